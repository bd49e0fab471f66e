import http from 'node:http';
import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { addDays, chinaToday } from '../src/domain/china-date';
import { withCheckChar } from '../src/domain/credit-code';
import { JOB_SCHEMA, WEBHOOK_DELIVERY_JOB } from '../src/jobs/job-queue';
import { DELIVERY_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from '../src/webhooks/webhook-signature';
import { until } from './support/drill-kit';
import { HubProcess, spawnHub } from './support/hub-process';
import { TestDatabase, createTestDatabase } from './support/test-database';

/**
 * A webhook delivery job outlives the hub process running it: two `hub serve`
 * processes take delivery jobs; the one whose request the receiver holds open
 * is killed with SIGKILL. The survivor sees the dead worker's session lock gone,
 * hands its job back to the queue and delivers it; the receiver, a real local
 * HTTP server, answers exactly one request and receives nothing more.
 */
const SECRET = 'kill-test-webhook-secret-0123';

interface Receipt {
  deliveryId: string;
  body: string;
  signature: string;
  answered: boolean;
}

describe('a hub process killed with SIGKILL while it delivers a webhook', () => {
  let tdb: TestDatabase;
  const hubs: HubProcess[] = [];
  const receipts: Receipt[] = [];
  // The first request is held unanswered (the victim dies waiting); later ones get 204.
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const r: Receipt = { deliveryId: String(req.headers[DELIVERY_HEADER]), body, signature: String(req.headers[SIGNATURE_HEADER]), answered: false };
      receipts.push(r);
      if (receipts.length === 1) return;
      r.answered = true;
      res.writeHead(204).end();
    });
  });
  let url = '';
  beforeAll(async () => {
    tdb = await createTestDatabase();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  });
  afterAll(async () => {
    for (const h of hubs) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
    await Promise.all(hubs.map((h) => h.exited));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await tdb?.drop();
  });

  it('hands the job to the survivor, which delivers it once', async () => {
    const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: 'http://127.0.0.1:9/' }), tdb.db);
    await tdb.db.pool.query(`update connector set enabled = false`);
    const q = async (sql: string, values: unknown[] = []) => (await tdb.db.pool.query(sql, values)).rows;
    // The receiver listens on loopback, which the outbound target policy refuses unless allowed.
    const env = { DATABASE_URL: tdb.url, HUB_SOURCES_URL: 'http://127.0.0.1:9/', LOG_LEVEL: 'info', LOG_FORMAT: 'text', HUB_ALLOW_PRIVATE_TARGETS: 'on' };
    hubs.push(spawnHub(['serve', '--port', '0'], env), spawnHub(['serve', '--port', '0'], env));
    await Promise.all(hubs.map((h) => h.waitFor(/job queue: worker pool \S+ started/, 120_000)));

    // A webhook and a warning for it: detection queues one delivery and its job.
    await q(`insert into webhook (division_code, url, secret, created_by) values ('370200', $1, $2, 'kill test')`, [url, SECRET]);
    const code = withCheckChar('91370203MA0000901');
    await q(`insert into enterprise (credit_code, name, division_code) values ($1, '企业0901', '370203')`, [code]);
    await q(`insert into permit (credit_code, permit_no, valid_from, valid_to, status) values ($1, $2, $3, $4, 'VALID')`, [
      code,
      `${code}P`,
      addDays(chinaToday(), -300),
      addDays(chinaToday(), 3),
    ]);
    expect((await services.warnings.detection.detectAll()).deliveriesQueued).toBe(1);

    // One process took the job and its request waits at the receiver.
    await until(
      () => receipts.length === 1,
      60_000,
      () => `the first request:\n${hubs.map((h) => h.output().slice(-2000)).join('\n---\n')}`,
    );
    const [job] = await q(`select locked_by from ${JOB_SCHEMA}.jobs where task_identifier = $1`, [WEBHOOK_DELIVERY_JOB]);
    expect(job?.locked_by).toBeTruthy();
    const victim = hubs.find((h) => h.output().includes(`job queue: worker pool ${job.locked_by} started`))!;
    if (!victim) throw new Error(`no hub started worker pool ${job.locked_by}:\n${hubs.map((h) => h.output().slice(-1500)).join('\n---\n')}`);
    const survivor = hubs.find((h) => h !== victim)!;
    victim.child.kill('SIGKILL');
    await victim.exited;
    expect(victim.child.signalCode).toBe('SIGKILL');

    // The survivor returns the dead worker's job to the queue, retries it and delivers it.
    await until(
      async () => (await q(`select 1 from webhook_delivery where status = 'DELIVERED'`)).length === 1,
      120_000,
      () => `the delivery by the survivor:\n${survivor.output().slice(-3000)}`,
      100,
    );
    await until(async () => (await q(`select 1 from ${JOB_SCHEMA}.jobs`)).length === 0, 60_000, 'the job to end', 100);
    expect(survivor.output()).toContain(`dead worker(s) returned to the queue (${job.locked_by})`);

    // Two requests of one delivery (same id, both signed), one answered: delivered once, nothing left to send.
    expect(receipts).toHaveLength(2);
    expect(new Set(receipts.map((r) => r.deliveryId)).size).toBe(1);
    for (const r of receipts) expect(verifyWebhookSignature(SECRET, r.body, r.signature)).toBe(true);
    expect(receipts.filter((r) => r.answered)).toHaveLength(1);
    expect(await q(`select status, attempts from webhook_delivery`)).toEqual([{ status: 'DELIVERED', attempts: 2 }]);
    expect(await q(`select attempt, status_code from webhook_attempt`)).toEqual([{ attempt: 2, status_code: 204 }]);

    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
    expect(receipts).toHaveLength(2);
  }, 300_000);
});
