import fs from 'node:fs';
import path from 'node:path';
import { printHubSchema } from '../src/graphql/schema';

const root = path.join(__dirname, '..');

describe('committed GraphQL artifacts', () => {
  it('schema/schema.graphql is what the code builds (run `npm run schema` after changing the API)', async () => {
    const committed = fs.readFileSync(path.join(root, 'schema', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await printHubSchema());
  });
});
