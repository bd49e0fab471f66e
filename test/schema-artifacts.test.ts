import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { printHubSchema } from '../src/graphql/schema';

const root = path.join(__dirname, '..');

describe('committed GraphQL artifacts', () => {
  it('schema/schema.graphql is what the code builds (run `npm run schema` after changing the API)', async () => {
    const committed = fs.readFileSync(path.join(root, 'schema', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await printHubSchema());
  });

  it('the generated operation types match the schema and schema/operations (run `npm run codegen`)', () => {
    // Same configuration as codegen.yml, written to a scratch folder.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-codegen-'));
    const out = path.join(dir, 'graphql-operations.ts');
    const config = fs.readFileSync(path.join(root, 'codegen.yml'), 'utf8').replace('src/generated/graphql-operations.ts:', `${JSON.stringify(out)}:`);
    fs.writeFileSync(path.join(dir, 'codegen.yml'), config);
    execFileSync(path.join(root, 'node_modules', '.bin', 'graphql-codegen'), ['--config', path.join(dir, 'codegen.yml')], { cwd: root, stdio: 'pipe' });
    const committed = fs.readFileSync(path.join(root, 'src', 'generated', 'graphql-operations.ts'), 'utf8');
    expect(fs.readFileSync(out, 'utf8')).toBe(committed);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
