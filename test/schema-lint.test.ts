import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.join(__dirname, '..');
const linter = path.join(root, 'node_modules', '.bin', 'graphql-schema-linter');

const RELAY_RULES = ['relay-connection-types-spec', 'relay-connection-arguments-spec', 'relay-page-info-spec'];
const DESCRIPTION_RULES = [
  'types-have-descriptions',
  'fields-have-descriptions',
  'arguments-have-descriptions',
  'enum-values-have-descriptions',
  'input-object-values-have-descriptions',
];

async function lint(rules: string[]): Promise<{ message: string; rule: string }[]> {
  // The linter exits non-zero when it finds errors; its JSON report is on stdout either way.
  const out = await run(linter, ['-f', 'json', '--rules', rules.join(','), path.join(root, 'schema', 'schema.graphql')]).catch((e: { stdout?: string }) => ({
    stdout: e.stdout ?? '',
  }));
  return JSON.parse(out.stdout).errors;
}

/** schema/schema.graphql through graphql-schema-linter (issue 18 scope 6): its Relay and description rules pass. */
describe('schema lint (graphql-schema-linter)', () => {
  it('passes the Relay connection, arguments and PageInfo rules', async () => {
    expect(await lint(RELAY_RULES)).toEqual([]);
  });

  it('describes every type (the Query, Mutation and Subscription roots too), field, argument, input field and enum value', async () => {
    expect((await lint(DESCRIPTION_RULES)).map((e) => e.message)).toEqual([]);
  });

  it('npm run lint:schema runs the same rules', () => {
    const script: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts['lint:schema'];
    const rules = /--rules (\S+)/.exec(script)?.[1].split(',') ?? [];
    expect(rules).toEqual(expect.arrayContaining([...RELAY_RULES, ...DESCRIPTION_RULES]));
  });
});
