import http from 'node:http';
import { withCheckChar } from '../src/domain/credit-code';
import { addDays, chinaToday } from '../src/domain/china-date';
import { JOB_SCHEMA, JobQueue, WEBHOOK_DELIVERY_JOB } from '../src/jobs/job-queue';
import { webhookDeliveryTask } from '../src/webhooks/webhook-delivery.task';
import { DELIVERY_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from '../src/webhooks/webhook-signature';
import { until } from './support/drill-kit';
import { TestHub, startTestHub } from './support/test-hub';

/**
 * Webhooks against a local receiver: registration through GraphQL (the secret
 * never comes back), a signed JSON body the receiver verifies, a retry after
 * a 500 (a job of the job queue, retried after its backoff), and a webhook
 * disabled after repeated failures with the reason visible; the warnings
 * workflow and listing over GraphQL ride along.
 */
const T = chinaToday();
const SECRET = 'webhook-test-secret-0123456789';
let seq = 0;
const code = (county: string) => withCheckChar(`91${county}MA${String(++seq).padStart(7, '0')}`);

interface Hit {
  body: string;
  headers: http.IncomingHttpHeaders;
}

function receiver(answer: (n: number) => number) {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      hits.push({ body, headers: req.headers });
      res.writeHead(answer(hits.length)).end('ok');
    });
  });
  return {
    hits,
    listen: () =>
      new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}/hook`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let hub: TestHub;
let jobs: JobQueue;
beforeAll(async () => {
  hub = await startTestHub();
  jobs = await JobQueue.start(
    hub.tdb.db.pool,
    { [WEBHOOK_DELIVERY_JOB]: webhookDeliveryTask(hub.tdb.db.pool, { disableAfterFailures: 4 }) },
    { pollInterval: 100 },
  );
});
afterAll(async () => {
  await jobs?.stop();
  await hub?.close();
});

/** Delivery jobs still queued (waiting, retrying or running). */
async function queuedJobs(): Promise<number> {
  const r = await hub.tdb.db.pool.query(`select count(*)::int as n from ${JOB_SCHEMA}.jobs where task_identifier = $1`, [WEBHOOK_DELIVERY_JOB]);
  return r.rows[0].n;
}

async function expiringPermit(county: string): Promise<string> {
  const c = code(county);
  await hub.tdb.db.pool.query(`insert into enterprise (credit_code, name, division_code) values ($1, $2, $3)`, [c, `企业${c.slice(-4)}`, county]);
  await hub.tdb.db.pool.query(`insert into permit (credit_code, permit_no, valid_from, valid_to, status) values ($1, $2, $3, $4, 'VALID')`, [
    c,
    `${c}P`,
    addDays(T, -300),
    addDays(T, 3),
  ]);
  return c;
}

const REGISTER = `mutation($input: WebhookInput!) { registerWebhook(input: $input) { id divisionCode url enabled disabledReason } }`;
const LIST = `{ webhooks { id enabled disabledReason consecutiveFailures deliveries { status attempts lastStatusCode lastError attemptLog { attempt statusCode } } } }`;

describe('webhooks', () => {
  it('signs the body, retries after a 500, and keeps the secret to itself', async () => {
    const rx = receiver((n) => (n === 1 ? 500 : 204));
    const url = await rx.listen();
    const bureau = await hub.createKey('370200', 'BUREAU');
    const partner = await hub.createKey('370200', 'PARTNER');
    try {
      const denied = await hub.graphqlAs(partner, REGISTER, { input: { divisionCode: '370200', url, secret: SECRET } });
      expect(denied.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const outside = await hub.graphqlAs(bureau, REGISTER, { input: { divisionCode: '370100', url, secret: SECRET } });
      expect(outside.errors?.[0].message).toMatch(/outside your jurisdiction/);
      const reg = await hub.graphqlAs(bureau, REGISTER, { input: { divisionCode: '370200', url, secret: SECRET, types: ['PERMIT_EXPIRING'] } });
      expect(reg.errors).toBeUndefined();
      expect(JSON.stringify(reg.data)).not.toContain(SECRET);

      const inside = await expiringPermit('370203');
      await expiringPermit('370102'); // Jinan: not this webhook's
      const detected = await hub.services.warnings.detection.detectAll();
      expect(detected.deliveriesQueued).toBe(1);

      // The job fails on the 500 and is retried after the queue's backoff (e¹ s), then delivered.
      await until(async () => (await queuedJobs()) === 0 && rx.hits.length >= 2, 30_000, 'the delivery retried and delivered');
      const at = await hub.tdb.db.pool.query(`select extract(epoch from max(at) - min(at)) * 1000 as ms from webhook_attempt`);
      expect(Number(at.rows[0].ms)).toBeGreaterThanOrEqual(2_700);
      expect(rx.hits).toHaveLength(2);
      for (const h of rx.hits) {
        expect(verifyWebhookSignature(SECRET, h.body, h.headers[SIGNATURE_HEADER] as string)).toBe(true);
        expect(verifyWebhookSignature('another-secret-000000', h.body, h.headers[SIGNATURE_HEADER] as string)).toBe(false);
        expect(h.headers['content-type']).toMatch(/application\/json/);
      }
      expect(rx.hits[0].headers[DELIVERY_HEADER]).toBe(rx.hits[1].headers[DELIVERY_HEADER]);
      const body = JSON.parse(rx.hits[1].body);
      expect(body).toMatchObject({
        event: 'warning.raised',
        warning: { type: 'PERMIT_EXPIRING', creditCode: inside, divisionCode: '370203', subject: `${inside}P`, status: 'OPEN' },
      });

      const list = await hub.graphqlAs(bureau, LIST);
      expect(list.data.webhooks[0]).toMatchObject({ enabled: true, consecutiveFailures: 0 });
      expect(list.data.webhooks[0].deliveries).toEqual([
        {
          status: 'DELIVERED',
          attempts: 2,
          lastStatusCode: 204,
          lastError: null,
          attemptLog: [
            { attempt: 1, statusCode: 500 },
            { attempt: 2, statusCode: 204 },
          ],
        },
      ]);
      const logged = await hub.tdb.db.pool.query(`select variables::text from audit_log where operation_name is null and operation like '%registerWebhook%'`);
      expect(logged.rows.length).toBeGreaterThan(0);
      expect(logged.rows.map((r) => r.variables).join()).not.toContain(SECRET);
      expect(hub.logs.join('\n')).not.toContain(SECRET);
    } finally {
      await rx.close();
    }
  });

  it('disables a webhook after repeated failures, with the reason visible', async () => {
    const rx = receiver(() => 500);
    const url = await rx.listen();
    const bureau = await hub.createKey('370300', 'BUREAU');
    try {
      const reg = await hub.graphqlAs(bureau, REGISTER, { input: { divisionCode: '370300', url, secret: SECRET } });
      expect(reg.errors).toBeUndefined();
      for (let i = 0; i < 3; i++) await expiringPermit('370302');
      await hub.services.warnings.detection.detectAll();
      let disabled: string[] = [];
      await until(
        async () => {
          disabled = (await hub.tdb.db.pool.query(`select id::text from webhook where not enabled`)).rows.map((r) => r.id);
          return disabled.length > 0;
        },
        60_000,
        'the webhook disabled',
        100,
      );
      expect(disabled).toEqual([reg.data.registerWebhook.id]);
      const list = await hub.graphqlAs(bureau, LIST);
      const w = list.data.webhooks[0];
      expect(w.enabled).toBe(false);
      expect(w.disabledReason).toMatch(/disabled after 4 consecutive failed delivery attempts; last: HTTP 500/);
      expect(w.deliveries.every((d: { status: string }) => d.status === 'FAILED')).toBe(true);
      const hitsAtDisable = rx.hits.length;
      expect(hitsAtDisable).toBe(4);
      // The jobs of its other deliveries run out without a request.
      await until(async () => (await queuedJobs()) === 0, 60_000, 'the remaining jobs to end', 100);
      expect(rx.hits).toHaveLength(hitsAtDisable);

      const enabled = await hub.graphqlAs(bureau, `mutation($id: ID!) { enableWebhook(id: $id) { enabled disabledReason consecutiveFailures } }`, { id: w.id });
      expect(enabled.data.enableWebhook).toEqual({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
    } finally {
      await rx.close();
    }
  });
});

describe('warnings over GraphQL', () => {
  const PAGE = `query($filter: WarningFilter, $first: Int, $after: String) { warnings(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { id warningId type subject status enterprise { creditCode } } } pageInfo { hasNextPage endCursor } } }`;

  it('pages newest first inside the jurisdiction, counts per type and status, and runs the workflow with who/when/note', async () => {
    const qingdao = await hub.createKey('370200', 'BUREAU');
    const all = await hub.graphql(PAGE, { filter: { types: ['PERMIT_EXPIRING'] }, first: 2 });
    expect(all.errors).toBeUndefined();
    const total = all.data.warnings.totalCount;
    expect(total).toBeGreaterThanOrEqual(5);
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await hub.graphql(PAGE, { filter: { types: ['PERMIT_EXPIRING'] }, first: 2, after });
      ids.push(...page.data.warnings.edges.map((e: any) => e.node.warningId));
      after = page.data.warnings.pageInfo.hasNextPage ? page.data.warnings.pageInfo.endCursor : null;
    } while (after);
    expect(ids).toHaveLength(total);
    expect([...ids].sort((a, b) => Number(b) - Number(a))).toEqual(ids);

    const mine = await hub.graphqlAs(qingdao, PAGE, { first: 50 });
    expect(mine.data.warnings.edges.length).toBeGreaterThan(0);
    expect(mine.data.warnings.edges.every((e: any) => e.node.enterprise.creditCode.slice(2, 6) === '3702')).toBe(true);
    const counts = await hub.graphqlAs(qingdao, `{ warningCounts { type status count } }`);
    expect(counts.data.warningCounts.reduce((s: number, c: any) => s + c.count, 0)).toBe(mine.data.warnings.totalCount);

    const id = mine.data.warnings.edges[0].node.id;
    const partner = await hub.createKey('370200', 'PARTNER');
    const refused = await hub.graphqlAs(partner, `mutation($id: ID!) { acknowledgeWarning(id: $id) { status } }`, { id });
    expect(refused.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const ack = await hub.graphqlAs(
      qingdao,
      `mutation($id: ID!) { acknowledgeWarning(id: $id, note: "现场核查") { status acknowledgedBy acknowledgeNote acknowledgedAt } }`,
      { id },
    );
    expect(ack.data.acknowledgeWarning).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgeNote: '现场核查', acknowledgedBy: 'test BUREAU 370200' });
    const again = await hub.graphqlAs(qingdao, `mutation($id: ID!) { acknowledgeWarning(id: $id) { status } }`, { id });
    expect(again.errors?.[0].message).toMatch(/is ACKNOWLEDGED; it can become ACKNOWLEDGED only from OPEN/);
    const res = await hub.graphqlAs(qingdao, `mutation($id: ID!) { resolveWarning(id: $id, note: "已整改") { status resolution resolvedBy resolveNote } }`, {
      id,
    });
    expect(res.data.resolveWarning).toEqual({ status: 'RESOLVED', resolution: 'MANUAL', resolvedBy: 'test BUREAU 370200', resolveNote: '已整改' });

    const creditCode = mine.data.warnings.edges[0].node.enterprise.creditCode;
    const nested = await hub.graphqlAs(qingdao, `query($c: String!) { enterprise(creditCode: $c) { warnings(status: RESOLVED) { id status } } }`, {
      c: creditCode,
    });
    expect(nested.data.enterprise.warnings).toEqual([{ id, status: 'RESOLVED' }]);

    const jinan = await hub.createKey('370100', 'BUREAU');
    const foreign = await hub.graphqlAs(jinan, `mutation($id: ID!) { resolveWarning(id: $id) { status } }`, { id });
    expect(foreign.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const bad = await hub.graphql(PAGE, { filter: { types: ['NOPE'] } });
    expect(bad.errors?.[0].message).toMatch(/Value "NOPE" does not exist in "WarningType" enum/);
  });
});
