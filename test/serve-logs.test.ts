import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { findFreePort } from '../src/db/embedded-postgres';
import { withCheckChar } from '../src/domain/credit-code';
import { SERVING_MESSAGE, serverLogsJson } from '../src/observability/log-format';
import { gql } from './support/drill-kit';
import { HubProcess, spawnHub } from './support/hub-process';
import { decodeQrPng } from './support/qr-decode';
import { TestDatabase, createTestDatabase } from './support/test-database';

/**
 * Issue 14, item 14: `hub serve` (a long-running process) writes one format —
 * every line a JSON log entry, readiness included (`msg: "hub serving GraphQL"`
 * with `url` and `port`), and the error it stops on — while a command a person
 * types keeps its messages; and with `--port N` and no HUB_PUBLIC_URL,
 * `reportUrl` and the QR code name port N.
 */
describe('hub serve logs one JSON format; links follow --port', () => {
  let tdb: TestDatabase;
  let adminKey: string;
  let serve: HubProcess | undefined;
  const code = withCheckChar('91370102MA3C4L0G1');

  beforeAll(async () => {
    tdb = await createTestDatabase();
    const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: 'http://127.0.0.1:9' }), tdb.db);
    adminKey = (await services.apiKeys.create({ name: 'serve logs', divisionCode: '370000', role: 'ADMIN' })).key;
    await tdb.db.pool.query(`insert into enterprise (credit_code, name, division_code) values ($1, '日志测试有限公司', '370102')`, [code]);
  });
  afterAll(async () => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    await serve?.exited;
    await tdb?.drop();
  });

  it('JSON unless LOG_FORMAT=text, whether or not on a terminal', () => {
    expect(serverLogsJson({})).toBe(true);
    expect(serverLogsJson({ LOG_FORMAT: 'json' })).toBe(true);
    expect(serverLogsJson({ LOG_FORMAT: 'text' })).toBe(false);
  });

  it('every line hub serve writes is a JSON entry, from readiness to shutdown; reportUrl and the QR code name --port', async () => {
    const port = await findFreePort(47300);
    const env = {
      DATABASE_URL: tdb.url,
      HUB_SOURCES_URL: 'http://127.0.0.1:9',
      HUB_SCHEDULE_OVERRIDE: '0 0 1 1 *',
      LOG_LEVEL: 'info',
      LOG_FORMAT: undefined,
      HUB_PUBLIC_URL: undefined,
    };
    serve = spawnHub(['serve', '--port', String(port)], env);
    const ready = await serve.waitForServing(60_000);
    expect(ready).toMatchObject({ url: `http://localhost:${port}/graphql`, port, publicUrl: `http://localhost:${port}` });

    const answer = await gql(port, adminKey, `query ($c: String!) { enterprise(creditCode: $c) { reportUrl } }`, { c: code });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.enterprise.reportUrl).toBe(`http://localhost:${port}/report/${code}`);
    const png = Buffer.from(await (await fetch(`http://127.0.0.1:${port}/qr/${code}.png`)).arrayBuffer());
    expect(decodeQrPng(png).text).toBe(`http://localhost:${port}/report/${code}`);

    // A second serve on the port stops with one JSON error entry naming the running hub.
    const second = spawnHub(['serve', '--port', String(port)], env);
    expect(await second.exited).not.toBe(0);
    const refused = second
      .output()
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    expect(refused).toEqual([expect.objectContaining({ level: 'error', msg: expect.stringContaining(`the hub is already running on port ${port}`) })]);

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    const lines = serve
      .output()
      .split('\n')
      .filter((l) => l.trim());
    const notJson = lines.filter((l) => {
      try {
        const e = JSON.parse(l);
        return !(typeof e.time === 'string' && typeof e.level === 'string' && typeof e.msg === 'string');
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    const msgs = lines.map((l) => JSON.parse(l).msg as string);
    expect(msgs.filter((m) => m === SERVING_MESSAGE)).toHaveLength(1);
    expect(msgs).toContain('http request');
    expect(msgs).toContain('SIGTERM received, shutting down');
  }, 90_000);

  it('a command a person types keeps its messages: hub connectors list prints a line per connector, not JSON', async () => {
    const cli = spawnHub(['connectors', 'list'], { DATABASE_URL: tdb.url, HUB_SOURCES_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'warn', LOG_FORMAT: undefined });
    expect(await cli.exited).toBe(0);
    const lines = cli
      .output()
      .split('\n')
      .filter((l) => l.trim());
    expect(lines.filter((l) => /^enforcement\s+\S+/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
  }, 60_000);
});
