import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.join(__dirname, '..');
const linter = path.join(root, 'node_modules', '.bin', 'graphql-schema-linter');

const RELAY_RULES = ['relay-connection-types-spec', 'relay-connection-arguments-spec', 'relay-page-info-spec'];
const DESCRIPTION_RULES = ['types-have-descriptions', 'fields-have-descriptions', 'arguments-have-descriptions', 'enum-values-have-descriptions'];

/**
 * Most schema members still without a description (issue 18 scope 6). The
 * number only goes down: describe what you add (Chinese terms with their
 * English meaning), and lower this when you describe more. Query, Mutation and
 * Subscription (root types) are counted here too.
 */
const UNDESCRIBED_AT_MOST = 213;

async function lint(rules: string[]): Promise<{ message: string; rule: string }[]> {
  // The linter exits non-zero when it finds errors; its JSON report is on stdout either way.
  const out = await run(linter, ['-f', 'json', '--rules', rules.join(','), path.join(root, 'schema', 'schema.graphql')]).catch((e: { stdout?: string }) => ({
    stdout: e.stdout ?? '',
  }));
  return JSON.parse(out.stdout).errors;
}

/** schema/schema.graphql through graphql-schema-linter: its Relay rules pass, and undescribed members only get fewer. */
describe('schema lint (graphql-schema-linter)', () => {
  it('passes the Relay connection, arguments and PageInfo rules', async () => {
    expect(await lint(RELAY_RULES)).toEqual([]);
  });

  it('every enum value has a description, and undescribed types, fields and arguments do not grow', async () => {
    const errors = await lint(DESCRIPTION_RULES);
    expect(errors.filter((e) => e.rule === 'enum-values-have-descriptions')).toEqual([]);
    const types = errors.filter((e) => e.rule === 'types-have-descriptions').map((e) => e.message);
    expect(types.every((m) => /`(Query|Mutation|Subscription)`/.test(m))).toBe(true);
    expect(errors.length).toBeLessThanOrEqual(UNDESCRIBED_AT_MOST);
  });
});
