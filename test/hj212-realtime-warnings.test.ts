import http from 'node:http';
import type { Client } from 'graphql-ws';
import { startHj212Gateway } from '../src/app/hj212-gateway.module';
import { hubPubSub, scopedTopic, TOPICS } from '../src/realtime/hub-pubsub';
import { hj212SilenceTask } from '../src/app/scheduled-tasks';
import { withCheckChar } from '../src/domain/credit-code';
import { Hj212ClientConnection } from '../src/gateway/hj212-client';
import { encodeHj212Packet } from '../src/gateway/hj212-packet';
import type { Hj212Gateway } from '../src/gateway/hj212-gateway.server';
import { bindMonitoringDeviceRows } from '../src/gateway/monitoring-device.store';
import { WarningDetectionService } from '../src/warnings/warning-detection.service';
import { readBundledWarningParameters } from '../src/warnings/warning-parameters.model';
import { JobQueue, WEBHOOK_DELIVERY_JOB } from '../src/jobs/job-queue';
import { startTestHub, type TestHub } from './support/test-hub';
import { wsClient } from './support/ws-subscriber';

/**
 * Real-time warnings from the HJ 212 gateway: hourly packets over a real socket, REALTIME_EXCEED
 * pushed over graphql-ws to the subscriber of the enterprise's county (and not to another
 * county's), queued and sent to the county's webhook; a `C`-flagged hour never counts; one open
 * warning per condition; DATA_GAP for a bound device silent for 2 hours.
 */

const LIXIA = '370102';
const SHIZHONG = '370103';
const A = withCheckChar(`91${LIXIA}MART00001`);
const B = withCheckChar(`91${SHIZHONG}MART00002`);
const MN_A = '370102RT00DA001000000001';
const MN_B = '370103RT00DA001000000002';
const PW = '123456';

/** HJ 212 DataTime (China time) of the whole hour `hoursAgo` before the current one. */
function hourAgo(hoursAgo: number): string {
  const t = new Date(Math.floor(Date.now() / 3600_000) * 3600_000 - hoursAgo * 3600_000 + 8 * 3600_000);
  return t.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

let qnSeq = 0;
function hourly(mn: string, dataTime: string, avg: number, flag: string): Buffer {
  const qn = `${dataTime.slice(0, 14)}${String(100 + (++qnSeq % 900))}`;
  return encodeHj212Packet(`QN=${qn};ST=31;CN=2061;PW=${PW};MN=${mn};Flag=5;CP=&&DataTime=${dataTime};a21026-Avg=${avg},a21026-Flag=${flag}&&`);
}

interface Sub {
  client: Client;
  warnings: any[];
  connected: Promise<void>;
}

function subscribe(port: number, key: string): Sub {
  const warnings: any[] = [];
  const { client, ready: connected } = wsClient(port, key);
  client.subscribe(
    { query: 'subscription { warningRaised { id type subject severity status details enterprise { creditCode division { code } } } }' },
    { next: (v) => warnings.push(v.data?.warningRaised), error: (e) => warnings.push({ error: e }), complete: () => undefined },
  );
  return { client, warnings, connected };
}

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!(await cond())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('HJ 212 real-time warnings', () => {
  let hub: TestHub;
  let gateway: Hj212Gateway;
  let port: number;
  let dau: Hj212ClientConnection;
  const subs: Sub[] = [];
  const hooks: string[] = [];
  let hookServer: http.Server;
  let jobs: JobQueue | undefined;

  const send = async (packet: Buffer) => {
    const before = dau.answers.length;
    await dau.write(packet);
    const answers = await dau.waitForAnswers(before + 1);
    expect(answers[before]).toMatchObject({ cn: '9014' });
    await hub.services.warnings.realtimeExceed.idle();
  };
  const warningsOf = async (type: string) =>
    (await hub.tdb.db.pool.query(`select credit_code, subject, status, condition_holds, resolution from warning where type = $1 order by id`, [type])).rows;

  beforeAll(async () => {
    hub = await startTestHub({ server: true });
    const pool = hub.tdb.db.pool;
    await pool.query(`insert into enterprise (credit_code, name, division_code) values ($1, '历下实时超标测试企业', $2), ($3, '市中实时超标测试企业', $4)`, [
      A,
      LIXIA,
      B,
      SHIZHONG,
    ]);
    for (const [mn, creditCode] of [
      [MN_A, A],
      [MN_B, B],
    ]) {
      await bindMonitoringDeviceRows(
        pool,
        { mn, creditCode, outletCode: 'DA001', password: PW, limits: [{ pollutantCode: 'a21026', limit: 50, unit: 'mg/m3' }] },
        'test',
      );
    }
    await hub.services.realtime.start();
    jobs = await JobQueue.start(hub.tdb.db.pool, { [WEBHOOK_DELIVERY_JOB]: hub.services.warnings.deliveries }, { pollInterval: 100 });
    ({ gateway, port } = await startHj212Gateway(hub.services.hj212, 0, () => undefined));
    dau = await Hj212ClientConnection.connect('127.0.0.1', port);
    hookServer = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        hooks.push(body);
        res.writeHead(200).end('ok');
      });
    });
    const hookPort = await new Promise<number>((r) => hookServer.listen(0, '127.0.0.1', () => r((hookServer.address() as { port: number }).port)));
    const bureau = await hub.createKey(LIXIA, 'BUREAU');
    const reg = await hub.graphqlAs(bureau, `mutation($input: WebhookInput!) { registerWebhook(input: $input) { id } }`, {
      input: { divisionCode: LIXIA, url: `http://127.0.0.1:${hookPort}/hook`, secret: 'a-shared-secret-of-the-bureau', types: ['REALTIME_EXCEED'] },
    });
    expect(reg.errors).toBeUndefined();
  }, 60_000);

  afterAll(async () => {
    for (const s of subs) await s.client.dispose();
    await dau?.close();
    await gateway?.close();
    await jobs?.stop();
    await hub?.services.realtime.stop();
    await new Promise<void>((r) => (hookServer ? hookServer.close(() => r()) : r()));
    await hub?.close();
  });

  it('two consecutive valid exceeding hours open REALTIME_EXCEED, pushed to the county subscriber and webhook only; a C-flagged hour does not count', async () => {
    const lixia = subscribe(hub.server!.port, await hub.createKey(LIXIA, 'BUREAU'));
    const shizhong = subscribe(hub.server!.port, await hub.createKey(SHIZHONG, 'BUREAU'));
    subs.push(lixia, shizhong);
    await Promise.all([lixia.connected, shizhong.connected]);
    // Both subscriptions registered by the server (graphql-ws does not acknowledge a subscribe).
    const county = (code: string) => hubPubSub.subscriberCount(scopedTopic(TOPICS.warningRaised, { level: 'COUNTY', divisionCode: code }));
    await until(() => county(LIXIA) >= 1 && county(SHIZHONG) >= 1, 'both subscriptions on the server');

    // N above, then C above: the calibration hour is no valid exceedance.
    await send(hourly(MN_A, hourAgo(9), 60, 'N'));
    await send(hourly(MN_A, hourAgo(8), 70, 'C'));
    // N above after the C hour: the latest two are C and N, not two valid exceedances.
    await send(hourly(MN_A, hourAgo(7), 61, 'N'));
    expect(await warningsOf('REALTIME_EXCEED')).toEqual([]);

    // The second consecutive valid exceeding hour opens it.
    await send(hourly(MN_A, hourAgo(6), 62, 'N'));
    await until(() => lixia.warnings.length >= 1, 'the REALTIME_EXCEED at the Lixia subscriber');
    expect(lixia.warnings[0]).toMatchObject({
      type: 'REALTIME_EXCEED',
      subject: 'DA001/a21026',
      status: 'OPEN',
      severity: 'MEDIUM',
      details: { limit: 50, hourlyAverages: [61, 62] },
      enterprise: { creditCode: A, division: { code: LIXIA } },
    });

    // A third exceeding hour: the same condition, no second warning.
    await send(hourly(MN_A, hourAgo(5), 63, 'N'));
    expect(await warningsOf('REALTIME_EXCEED')).toEqual([{ credit_code: A, subject: 'DA001/a21026', status: 'OPEN', condition_holds: true, resolution: null }]);

    // Shizhong's enterprise exceeds afterwards: its subscriber hears that one, and never heard Lixia's.
    await send(hourly(MN_B, hourAgo(6), 80, 'N'));
    await send(hourly(MN_B, hourAgo(5), 110, 'N'));
    await until(() => shizhong.warnings.length >= 1, 'the REALTIME_EXCEED at the Shizhong subscriber');
    expect(shizhong.warnings.map((w) => [w.type, w.enterprise.creditCode, w.severity])).toEqual([['REALTIME_EXCEED', B, 'HIGH']]);
    expect(lixia.warnings.map((w) => w.enterprise.creditCode)).toEqual([A]);

    // The Lixia webhook (REALTIME_EXCEED only) gets Lixia's warning and not Shizhong's (no delivery of it was queued).
    await until(() => hooks.length >= 1, 'the webhook delivery');
    expect(Number((await hub.tdb.db.pool.query(`select count(*) from webhook_delivery`)).rows[0].count)).toBe(1);
    expect(hooks.map((b) => JSON.parse(b).warning).map((w: any) => [w.type, w.creditCode])).toEqual([['REALTIME_EXCEED', A]]);
  });

  it('a valid hour under the limit clears the condition; two more exceeding hours open a new warning', async () => {
    await send(hourly(MN_A, hourAgo(4), 40, 'N'));
    expect((await warningsOf('REALTIME_EXCEED')).filter((w) => w.credit_code === A)).toEqual([
      { credit_code: A, subject: 'DA001/a21026', status: 'RESOLVED', condition_holds: false, resolution: 'CONDITION_CLEARED' },
    ]);
    await send(hourly(MN_A, hourAgo(3), 70, 'N'));
    await send(hourly(MN_A, hourAgo(2), 71, 'N'));
    expect((await warningsOf('REALTIME_EXCEED')).filter((w) => w.credit_code === A).map((w) => w.status)).toEqual(['RESOLVED', 'OPEN']);
  });

  it('a bound device silent for 2 hours opens DATA_GAP for its outlet; a packet clears it at the next check', async () => {
    const task = (inHours: number) =>
      hj212SilenceTask(hub.services.hj212, {
        detection: new WarningDetectionService(hub.tdb.db.pool, { now: () => new Date(Date.now() + inHours * 3600_000) }),
      });
    // Both devices sent a packet just now: nothing yet, and nothing an hour from now.
    await task(0).run(new AbortController().signal);
    await task(1).run(new AbortController().signal);
    expect(await warningsOf('DATA_GAP')).toEqual([]);
    // Three hours from now, both have been silent for more than 2 hours.
    await task(3).run(new AbortController().signal);
    const gaps = await warningsOf('DATA_GAP');
    expect(gaps.map((g) => [g.credit_code, g.subject, g.status]).sort()).toEqual(
      [
        [A, 'DA001', 'OPEN'],
        [B, 'DA001', 'OPEN'],
      ].sort(),
    );
    // Checked again: still one each.
    await task(3).run(new AbortController().signal);
    expect(await warningsOf('DATA_GAP')).toHaveLength(2);
    // Device A reports over its socket; the check at that moment finds it reporting, and the warning clears.
    const before = dau.answers.length;
    await dau.write(
      encodeHj212Packet(`QN=${hourAgo(0)}500;ST=31;CN=2011;PW=${PW};MN=${MN_A};Flag=5;CP=&&DataTime=${hourAgo(0)};a21026-Rtd=30,a21026-Flag=N&&`),
    );
    await dau.waitForAnswers(before + 1);
    await task(0).run(new AbortController().signal);
    const after = await warningsOf('DATA_GAP');
    expect(after.find((g) => g.credit_code === A)).toMatchObject({ status: 'RESOLVED', condition_holds: false, resolution: 'CONDITION_CLEARED' });
  });

  it('runs a REALTIME_EXCEED pass while a DATA_GAP pass holds its lock; a second DATA_GAP pass waits for the first', async () => {
    const pool = hub.tdb.db.pool;
    const detection = hub.services.warnings.detection;
    const waitingOnLocks = async () =>
      Number((await pool.query(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0].n);
    const gapPass = await pool.connect();
    let open = true;
    try {
      await gapPass.query('begin');
      await detection.detectIn(gapPass, { targets: { kind: 'codes', codes: [A, B] }, types: ['DATA_GAP'] });
      // (Bounded, so passes that wait for each other fail here instead of hanging.)
      const bounded = <T>(p: Promise<T>) => Promise.race([p, new Promise((r) => setTimeout(() => r('still waiting after 20 s'), 20_000).unref())]);
      expect(await bounded(detection.detect({ targets: { kind: 'codes', codes: [A] }, types: ['REALTIME_EXCEED'] }))).toMatchObject({ enterprises: 1 });
      const second = detection.detect({ targets: { kind: 'codes', codes: [A] }, types: ['DATA_GAP'] });
      await until(async () => (await waitingOnLocks()) === 1, 'the second DATA_GAP pass waiting for the first');
      await gapPass.query('commit');
      open = false;
      expect(await second).toMatchObject({ enterprises: 1 });
    } finally {
      if (open) await gapPass.query('rollback');
      gapPass.release();
    }
  });

  it('takes its numbers from the active warning parameter set: with hours = 3, two exceeding hours open nothing and the third does', async () => {
    const MN_C = '370102RT00DA002000000003';
    await hub.services.hj212.devices.bind(
      null,
      { mn: MN_C, creditCode: A, outletCode: 'DA002', password: PW, limits: [{ pollutantCode: 'a21026', limit: 50, unit: 'mg/m3' }] },
      'test',
    );
    const base = readBundledWarningParameters('SD-WARN-2026');
    await hub.services.warnings.parameters.load({
      ...base,
      version: 'TEST-RT3',
      detectors: { ...base.detectors, REALTIME_EXCEED: { ...base.detectors.REALTIME_EXCEED, hours: 3, escalateAtRatio: 1.5 } },
    });
    await hub.services.warnings.parameters.activate('TEST-RT3');
    try {
      const ofC = async () =>
        (await hub.tdb.db.pool.query(`select status, severity, message, details from warning where type = 'REALTIME_EXCEED' and subject = 'DA002/a21026'`))
          .rows;
      await send(hourly(MN_C, hourAgo(3), 60, 'N'));
      await send(hourly(MN_C, hourAgo(2), 65, 'N'));
      expect(await ofC()).toEqual([]);
      await send(hourly(MN_C, hourAgo(1), 80, 'N'));
      const [w] = await ofC();
      expect(w).toMatchObject({ status: 'OPEN', severity: 'HIGH', details: { hourlyAverages: [60, 65, 80], limit: 50 } });
      expect(w.message).toContain('3 consecutive valid hourly averages above the limit 50');
    } finally {
      await hub.services.warnings.parameters.activate('SD-WARN-2026');
    }
  });
});
