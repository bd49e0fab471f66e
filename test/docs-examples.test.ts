import fs from 'node:fs';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { buildHubSchema } from '../src/graphql/schema';

const root = path.join(__dirname, '..');

/** The operations in ```graphql blocks of a Markdown file, one per top-level operation. */
function graphqlExamples(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const blocks = [...text.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
  const ops: string[] = [];
  for (const block of blocks) {
    // Split on lines that start a new top-level operation.
    let current = '';
    for (const line of block.split('\n')) {
      if (/^(\{|(query|mutation|subscription)\b)/.test(line) && current.trim()) {
        ops.push(current);
        current = '';
      }
      if (!line.startsWith('#')) current += line + '\n';
    }
    if (current.trim()) ops.push(current);
  }
  return ops;
}

describe('documentation examples', () => {
  it.each(['README.md'])('every GraphQL example in %s is valid against the schema', async (file) => {
    const schema = await buildHubSchema();
    const ops = graphqlExamples(file);
    expect(ops.length).toBeGreaterThanOrEqual(5);
    for (const op of ops) {
      const errors = validate(schema, parse(op));
      expect({ op, errors: errors.map((e) => e.message) }).toEqual({ op, errors: [] });
    }
  });
});
