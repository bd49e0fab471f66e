import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnHub } from './support/hub-process';
import { TestDatabase, createTestDatabase } from './support/test-database';

/** Issue 14 item 13: a mistake at the command line is answered with a message naming what to fix, never a stack trace. */
describe('CLI user errors', () => {
  let tdb: TestDatabase;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-cli-errors-'));
  const STACK = /\n\s+at .+:\d+:\d+/;

  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => {
    await tdb.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = async (args: string[], env: Record<string, string | undefined> = {}) => {
    const cli = spawnHub(args, { DATABASE_URL: tdb.url, HUB_SOURCES_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'warn', LOG_FORMAT: 'text', ...env });
    return { code: await cli.exited, out: cli.output() };
  };

  it('an unknown connector is named, without a stack trace', async () => {
    const r = await run(['sync', '--connector', 'bogus']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/bogus/);
    expect(r.out).not.toMatch(STACK);
  });

  it('a missing file is named', async () => {
    const missing = path.join(dir, 'no-such-connector.json');
    for (const args of [
      ['connectors', 'register', missing],
      ['rescore', '--load', missing],
    ]) {
      const r = await run(args);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(new RegExp(`(file not found: |cannot read )${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(r.out).not.toMatch(STACK);
    }
  });

  it('an invalid rule set says what is wrong with it', async () => {
    const notJson = path.join(dir, 'broken.json');
    fs.writeFileSync(notJson, '{"version": ');
    const wrong = path.join(dir, 'wrong.json');
    fs.writeFileSync(wrong, JSON.stringify({ version: 'X-1', rules: 'none' }));
    for (const file of [notJson, wrong]) {
      const r = await run(['rescore', '--load', file]);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/^hub rescore: /m);
      expect(r.out).not.toMatch(STACK);
    }
  });

  it('a database that refuses connections names DATABASE_URL, its password masked', async () => {
    const r = await run(['connectors', 'list'], { DATABASE_URL: 'postgres://hub:s3cret@127.0.0.1:1/hub' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/cannot reach the database at postgres:\/\/hub:\*\*\*@127\.0\.0\.1:1\/hub \(DATABASE_URL\)/);
    expect(r.out).not.toContain('s3cret');
    expect(r.out).not.toMatch(STACK);
  });
});
