import net from 'node:net';
import { Hj212ClientConnection } from '../src/gateway/hj212-client';
import { Hj212Gateway } from '../src/gateway/hj212-gateway.server';
import { encodeHj212Packet, parseHj212Segment } from '../src/gateway/hj212-packet';
import { ensureHj212Partition, maintainHj212Partitions, PgHj212Store, pruneHj212Hours, type Hj212HourWritten } from '../src/gateway/hj212.store';
import { bindMonitoringDeviceRows, listMonitoringDevices } from '../src/gateway/monitoring-device.store';
import { withCheckChar } from '../src/domain/credit-code';
import { withTransaction } from '../src/db/database';
import { IngestService } from '../src/ingest/ingest.service';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { chinaDateOf } from '../src/domain/china-date';
import { until } from './support/drill-kit';

/**
 * The HJ 212 gateway against real sockets and the real PostgreSQL store: framing across TCP
 * writes, answers, CRC errors, repeats, unbound MNs, hourly values and provisional daily facts.
 */

const CREDIT = withCheckChar('91370102MA3C4R5X2');
const MN = '3702110001DA0010000000A1';
const PW = '123456';
let qnSeq = 0;
const nextQn = () => `20261130${String(1_000_000_000 + ++qnSeq).slice(1)}`;
/** A distinct sampling time per request id (seconds after 2026-11-30 00:00). */
const timeOf = (qn: string) => {
  const n = Number(qn.slice(8));
  const two = (x: number) => String(x).padStart(2, '0');
  return `20261130${two(Math.floor(n / 3600))}${two(Math.floor(n / 60) % 60)}${two(n % 60)}`;
};

function rtd(qn: string, mn = MN, pw = PW, flag = 5, dataTime = timeOf(qn)): string {
  return `QN=${qn};ST=31;CN=2011;PW=${pw};MN=${mn};Flag=${flag};CP=&&DataTime=${dataTime};a21026-Rtd=38.2,a21026-Flag=N&&`;
}

function hourly(hour: string, values: Array<[string, number, string]>, mn = MN, qn = nextQn()): string {
  const cp = values.map(([code, avg, flag]) => `${code}-Avg=${avg},${code}-Min=${avg - 1},${code}-Max=${avg + 1},${code}-Flag=${flag}`).join(';');
  return `QN=${qn};ST=31;CN=2061;PW=${PW};MN=${mn};Flag=5;CP=&&DataTime=${hour};${cp}&&`;
}

describe('HJ 212 gateway over TCP', () => {
  let t: TestDatabase;
  let store: PgHj212Store;
  let gateway: Hj212Gateway;
  let port: number;
  const hoursSeen: Hj212HourWritten[] = [];
  const peers: Hj212ClientConnection[] = [];
  const connect = async () => {
    const c = await Hj212ClientConnection.connect('127.0.0.1', port);
    peers.push(c);
    return c;
  };
  const stored = async (where: string, params: unknown[] = []) =>
    Number((await t.db.pool.query(`select count(*) as n from hj212_packet where ${where}`, params)).rows[0].n);

  beforeAll(async () => {
    t = await createTestDatabase();
    await maintainHj212Partitions(t.db.pool);
    store = new PgHj212Store(t.db.pool, { onHoursWritten: (h) => hoursSeen.push(...h), directoryCacheMs: 0 });
    await bindMonitoringDeviceRows(
      t.db.pool,
      { mn: MN, creditCode: CREDIT, outletCode: 'DA001', password: PW, limits: [{ pollutantCode: 'a21026', limit: 50, unit: 'mg/m3' }] },
      'test',
    );
    gateway = new Hj212Gateway({ directory: store, sink: store });
    port = await gateway.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await Promise.all(peers.map((p) => p.close()));
    await gateway.close();
    await t.drop();
  });

  it('answers one packet delivered in three writes with 9014 and its QN, and stores it', async () => {
    const c = await connect();
    const qn = nextQn();
    const wire = encodeHj212Packet(rtd(qn));
    await c.write(wire.subarray(0, 4));
    await c.write(wire.subarray(4, 60));
    await c.write(wire.subarray(60));
    const [a] = await c.waitForAnswers(1);
    expect(a).toMatchObject({ cn: '9014', st: '91', flag: 4, qn, mn: MN, cpText: '' });
    expect(await stored(`qn = $1 and status = 'ACCEPTED'`, [qn])).toBe(1);
  });

  it('answers three packets delivered in one write, in order', async () => {
    const c = await connect();
    const qns = [nextQn(), nextQn(), nextQn()];
    await c.write(Buffer.concat(qns.map((q) => encodeHj212Packet(rtd(q)))));
    const answers = await c.waitForAnswers(3);
    expect(answers.map((a) => [a.cn, a.qn])).toEqual(qns.map((q) => ['9014', q]));
    expect(await stored(`qn = any($1)`, [qns])).toBe(3);
  });

  it('skips garbage before a packet and accepts a lowercase CRC', async () => {
    const c = await connect();
    const qn = nextQn();
    const wire = encodeHj212Packet(rtd(qn), { lowercaseCrc: true });
    const crc = wire.toString('latin1').slice(-6, -2);
    expect(crc).toBe(encodeHj212Packet(rtd(qn)).toString('latin1').slice(-6, -2).toLowerCase());
    await c.write(Buffer.concat([Buffer.from('\x00\xffGET / HTTP/1.0\r\n##12x'), wire]));
    const [a] = await c.waitForAnswers(1);
    expect(a.qn).toBe(qn);
    expect(await stored(`qn = $1`, [qn])).toBe(1);
    expect(gateway.stats.garbageBytes).toBeGreaterThan(0);
  });

  it('answers a bad CRC with 9011 QnRtn=9 and does not store the packet', async () => {
    const c = await connect();
    const qn = nextQn();
    await c.write(encodeHj212Packet(rtd(qn), { crc: 'ABCD' }));
    const [a] = await c.waitForAnswers(1);
    expect(a).toMatchObject({ cn: '9011', qn });
    expect(a.items).toEqual([[['QnRtn', '9']]]);
    // The next packet on the same connection is handled after it, so the bad one is settled.
    const next = nextQn();
    await c.write(encodeHj212Packet(rtd(next)));
    await c.waitForAnswers(2);
    expect(await stored(`qn = $1`, [qn])).toBe(0);
    expect(await stored(`qn = $1`, [next])).toBe(1);
  });

  it('stores a repeat once (same MN + QN; same MN + CN + DataTime under a fresh QN) and answers each copy', async () => {
    const c = await connect();
    const qn = nextQn();
    const seg = rtd(qn, MN, PW, 5, '20261130083000');
    await c.write(encodeHj212Packet(seg));
    await c.waitForAnswers(1);
    // The DAU missed the answer and sends the same packet again, on a new connection.
    const again = await connect();
    await again.write(encodeHj212Packet(seg));
    await again.write(encodeHj212Packet(rtd(nextQn(), MN, PW, 5, '20261130083000')));
    const answers = await again.waitForAnswers(2);
    expect(answers.map((a) => a.cn)).toEqual(['9014', '9014']);
    expect(await stored(`mn = $1 and data_time = '2026-11-30T00:30:00Z'`, [MN])).toBe(1);
  });

  it('keeps the packets of an unknown MN (answered QnRtn=4), refuses a wrong password (QnRtn=3), and ingests the MN once bound', async () => {
    const c = await connect();
    const stranger = 'LD130133000015';
    await c.write(encodeHj212Packet(hourly('20261130020000', [['a21026', 80, 'N']], stranger)));
    await c.write(encodeHj212Packet(hourly('20261130030000', [['a21026', 90, 'N']], stranger)));
    await c.write(encodeHj212Packet(rtd(nextQn(), MN, '000000')));
    const answers = await c.waitForAnswers(3);
    expect(answers.map((a) => a.items[0]?.[0]?.[1])).toEqual(['4', '4', '3']);
    expect(await stored(`mn = $1 and status = 'UNBOUND'`, [stranger])).toBe(2);
    expect(await stored(`mn = $1 and status = 'WRONG_PASSWORD'`, [MN])).toBe(1);
    const unbound = await listMonitoringDevices(t.db.pool, { bound: false });
    expect(unbound).toEqual([expect.objectContaining({ mn: stranger, bound: false, packets: 2, lastStatus: 'UNBOUND' })]);

    const result = await bindMonitoringDeviceRows(
      t.db.pool,
      { mn: stranger, creditCode: CREDIT, outletCode: 'DA002', password: PW, limits: [{ pollutantCode: 'a21026', limit: 85 }] },
      'test',
    );
    expect(result).toMatchObject({ packetsAccepted: 2, packetsWrongPassword: 0 });
    const day = (
      await t.db.pool.query(`select valid_hours, exceed_hours, daily_mean, limit_value, provisional from monitoring_day where outlet_code = 'DA002'`)
    ).rows;
    expect(day).toEqual([{ valid_hours: 2, exceed_hours: 1, daily_mean: 85, limit_value: 85, provisional: true }]);
    expect((await listMonitoringDevices(t.db.pool, { bound: true })).map((d) => d.mn).sort()).toEqual([MN, stranger].sort());
  });

  it('turns hourly packets into hourly values and a provisional daily summary where C-flagged hours never count', async () => {
    const c = await connect();
    const hours: Array<[string, number, string]> = [
      ['20261201090000', 40, 'N'],
      ['20261201100000', 60, 'N'],
      ['20261201110000', 70, 'C'],
      ['20261201120000', 80, 'M'],
      ['20261201130000', 55, 'N'],
    ];
    await c.write(
      Buffer.concat(
        hours.map(([h, v, f]) =>
          encodeHj212Packet(
            hourly(h, [
              ['a21026', v, f],
              ['a00000', 1000, 'N'],
            ]),
          ),
        ),
      ),
    );
    await c.waitForAnswers(hours.length);
    const rows = (await t.db.pool.query(`select flag, avg from monitoring_hour where outlet_code = 'DA001' and pollutant_code = 'a21026' order by hour`)).rows;
    expect(rows).toEqual(hours.map(([, avg, flag]) => ({ flag, avg })));
    const day = (
      await t.db.pool.query(
        `select pollutant_code, valid_hours, exceed_hours, daily_mean, provisional from monitoring_day where outlet_code = 'DA001' and day = '2026-12-01'`,
      )
    ).rows;
    // Flow (a00000) has no bound limit and is not summarised.
    expect(day).toEqual([{ pollutant_code: 'a21026', valid_hours: 3, exceed_hours: 2, daily_mean: (40 + 60 + 55) / 3, provisional: true }]);
    expect(hoursSeen.filter((h) => h.outletCode === 'DA001' && h.pollutantCode === 'a21026').length).toBeGreaterThanOrEqual(5);
  });

  it('lets the platform summary of the same outlet, pollutant and date supersede the provisional one', async () => {
    // The monitoring connector's page of the same outlet, pollutant and date, through the real ingest path.
    const record = {
      kind: 'monitoring' as const,
      creditCode: CREDIT,
      sourceId: `${CREDIT}:DA001:a21026:2026-12-01`,
      data: { outletCode: 'DA001', pollutantCode: 'a21026', date: '2026-12-01', validHours: 24, exceedHours: 0, dailyMean: 30, limit: 50, unit: 'mg/m3' },
    };
    const result = await withTransaction(t.db.pool, (client) =>
      new IngestService({ divisionCodes: new Set(['370102']) }).ingestPage(client, 'monitoring', null, [{ raw: record.data, record }]),
    );
    expect(result).toMatchObject({ quarantined: 0 });
    expect((await t.db.pool.query(`select valid_hours, provisional from monitoring_day where outlet_code = 'DA001' and day = '2026-12-01'`)).rows).toEqual([
      { valid_hours: 24, provisional: false },
    ]);
    const c = await connect();
    await c.write(encodeHj212Packet(hourly('20261201140000', [['a21026', 99, 'N']])));
    await c.waitForAnswers(1);
    const day = (await t.db.pool.query(`select valid_hours, exceed_hours, provisional from monitoring_day where outlet_code = 'DA001' and day = '2026-12-01'`))
      .rows;
    expect(day).toEqual([{ valid_hours: 24, exceed_hours: 0, provisional: false }]);
    expect(
      Number((await t.db.pool.query(`select count(*) as n from monitoring_hour where outlet_code = 'DA001' and hour = '2026-12-01T06:00:00Z'`)).rows[0].n),
    ).toBe(1);
  });

  it('reassembles a split message (PNUM/PNO) before storing it, answering each part', async () => {
    const c = await connect();
    const qn = nextQn();
    const part = (pno: number, cp: string) => `QN=${qn};ST=31;CN=2061;PW=${PW};MN=${MN};Flag=7;PNUM=2;PNO=${pno};CP=&&${cp}&&`;
    await c.write(encodeHj212Packet(part(1, 'DataTime=20261202010000')));
    await c.write(encodeHj212Packet(part(2, 'a21026-Avg=12,a21026-Flag=N')));
    await c.waitForAnswers(2);
    const rows = (await t.db.pool.query(`select avg, flag from monitoring_hour where outlet_code = 'DA001' and hour = '2026-12-01T17:00:00Z'`)).rows;
    expect(rows).toEqual([{ avg: 12, flag: 'N' }]);
    expect(await stored(`qn = $1`, [qn])).toBe(1);
  });

  it('answers a 2005-dialect packet and translates its pollutant codes', async () => {
    const c = await connect();
    const qn = nextQn();
    await c.write(encodeHj212Packet(`QN=${qn};ST=31;CN=2061;PW=${PW};MN=${MN};Flag=1;CP=&&DataTime=20261202020000;02-Avg=20,02-Flag=N&&`));
    await c.waitForAnswers(1);
    expect((await t.db.pool.query(`select dialect from hj212_packet where qn = $1`, [qn])).rows).toEqual([{ dialect: '2005' }]);
    expect((await t.db.pool.query(`select avg from monitoring_hour where pollutant_code = 'a21026' and hour = '2026-12-01T18:00:00Z'`)).rows).toEqual([
      { avg: 20 },
    ]);
  });

  it('keeps serving others while a peer dribbles a packet, and closes that peer after the partial-packet timeout', async () => {
    const g = new Hj212Gateway({ directory: store, sink: store, partialPacketTimeoutMs: 300 });
    const p = await g.listen(0, '127.0.0.1');
    try {
      const hostile = await Hj212ClientConnection.connect('127.0.0.1', p);
      await hostile.write('##1024QN=1;ST=31');
      const good = await Hj212ClientConnection.connect('127.0.0.1', p);
      const qn = nextQn();
      await good.write(encodeHj212Packet(rtd(qn)));
      expect((await good.waitForAnswers(1))[0].qn).toBe(qn);
      await hostile.closed;
      expect(g.stats.closedSlow).toBe(1);
      await good.close();
    } finally {
      await g.close();
    }
  });

  it('closes an idle connection and refuses connections beyond the cap', async () => {
    const g = new Hj212Gateway({ directory: store, sink: store, idleTimeoutMs: 200, maxConnections: 2 });
    const p = await g.listen(0, '127.0.0.1');
    try {
      const a = await Hj212ClientConnection.connect('127.0.0.1', p);
      const b = await Hj212ClientConnection.connect('127.0.0.1', p);
      const third = await Hj212ClientConnection.connect('127.0.0.1', p);
      await third.closed;
      await Promise.all([a.closed, b.closed]);
      expect(g.stats.closedIdle).toBe(2);
      expect(g.stats.connectionsTotal).toBe(2);
    } finally {
      await g.close();
    }
  });

  it('creates partitions ahead and drops those past the retention', async () => {
    const now = new Date();
    const old = new Date(now.getTime() - 20 * 86_400_000);
    await ensureHj212Partition(t.db.pool, chinaDateOf(old));
    const dropped = await maintainHj212Partitions(t.db.pool, { now, aheadDays: 3, retentionDays: 14 });
    expect(dropped).toEqual([`hj212_packet_p${chinaDateOf(old).replace(/-/g, '')}`]);
    const names = (
      await t.db.pool.query(`select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'hj212_packet'::regclass order by 1`)
    ).rows.map((r) => r.relname);
    expect(names).toContain(`hj212_packet_p${chinaDateOf(new Date(now.getTime() + 3 * 86_400_000)).replace(/-/g, '')}`);
    expect(await stored('true')).toBeGreaterThan(0);
  });

  it('bounds what a flooding peer can make the gateway hold', async () => {
    const s = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => s.once('connect', r));
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    for (let i = 0; i < 64; i++) s.write(chunk);
    await new Promise<void>((r) => s.write(Buffer.alloc(0), () => r()));
    // Still framing: a valid packet after 4 MiB of garbage is answered.
    const qn = nextQn();
    const c = new Promise<Buffer>((resolve) => s.once('data', resolve));
    s.write(encodeHj212Packet(rtd(qn)));
    expect((await c).toString('latin1')).toContain(`QN=${qn};ST=91;CN=9014`);
    s.destroy();
  });

  it('takes both verified CRC vectors as sent on the wire (an unknown MN is answered QnRtn=4, not a CRC error; no Flag, no answer)', async () => {
    const c = await connect();
    const v1 = 'QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&';
    const v2 = 'ST=32;CN=2011;PW=123456;MN=NJGDKYYC202101q0001w0001;CP=&&DataTime=20210305003817000;ele01-Rtd=1;ele02-Rtd=0&&';
    const crcErrors = gateway.stats.crcErrors;
    await c.write(`##0101${v1}1C80\r\n`);
    const [a1] = await c.waitForAnswers(1);
    expect(a1).toMatchObject({ cn: '9011', qn: '20160801085857223', mn: '010000A8900016F000169DC0' });
    expect(a1.items).toEqual([[['QnRtn', '4']]]);
    // The second vector asks for no answer: the packet after it is the next one answered.
    const next = nextQn();
    await c.write(Buffer.concat([Buffer.from(`##0109${v2}8C41\r\n`, 'latin1'), encodeHj212Packet(rtd(next))]));
    const answers = await c.waitForAnswers(2);
    expect(answers[1]).toMatchObject({ cn: '9014', qn: next });
    expect(gateway.stats.crcErrors).toBe(crcErrors);
    expect(await stored(`mn = any($1) and status = 'UNBOUND'`, [['010000A8900016F000169DC0', 'NJGDKYYC202101q0001w0001']])).toBe(2);
  });

  it('answers minute (2051) and daily (2031) data with 9014 and their QN and stores them; Flag=4 asks for no answer', async () => {
    const c = await connect();
    const minute = nextQn();
    const daily = nextQn();
    const quiet = nextQn();
    const last = nextQn();
    const data = (qn: string, cn: string, flag: number, dataTime: string) =>
      `QN=${qn};ST=31;CN=${cn};PW=${PW};MN=${MN};Flag=${flag};CP=&&DataTime=${dataTime};a21026-Min=30,a21026-Avg=35,a21026-Max=40,a21026-Flag=N&&`;
    await c.write(
      Buffer.concat([
        encodeHj212Packet(data(minute, '2051', 5, '20261203101500')),
        encodeHj212Packet(data(daily, '2031', 5, '20261203000000')),
        encodeHj212Packet(data(quiet, '2051', 4, '20261203101600')),
        encodeHj212Packet(data(last, '2051', 5, '20261203101700')),
      ]),
    );
    const answers = await c.waitForAnswers(3);
    expect(answers.map((a) => [a.cn, a.qn, a.st, a.flag])).toEqual([minute, daily, last].map((q) => ['9014', q, '91', 4]));
    const rows = (await t.db.pool.query(`select qn, cn, status from hj212_packet where qn = any($1) order by qn`, [[minute, daily, quiet, last]])).rows;
    expect(rows).toEqual([
      { qn: minute, cn: '2051', status: 'ACCEPTED' },
      { qn: daily, cn: '2031', status: 'ACCEPTED' },
      { qn: quiet, cn: '2051', status: 'ACCEPTED' },
      { qn: last, cn: '2051', status: 'ACCEPTED' },
    ]);
    // Only hourly data (2061) makes hourly values.
    expect(Number((await t.db.pool.query(`select count(*) as n from monitoring_hour where hour >= '2026-12-02T16:00:00Z'`)).rows[0].n)).toBe(0);
  });

  it('frames a packet of the full 1,036 bytes and skips one whose length says 1,025 without losing the stream', async () => {
    const c = await connect();
    const qn = nextQn();
    const head = `QN=${qn};ST=31;CN=2051;PW=${PW};MN=${MN};Flag=5;CP=&&DataTime=20261203110000;a21026-Avg=35,a21026-Flag=N`;
    const filler = (n: number) => `;a99001-Avg=${'1'.padEnd(n, '0')}`;
    const segment = `${head}${filler(1024 - head.length - 2 - ';a99001-Avg='.length)}&&`;
    expect(segment.length).toBe(1024);
    const wire = encodeHj212Packet(segment);
    expect(wire.length).toBe(1036);
    const tooLong = Buffer.from(`##1025${segment}x0000\r\n`, 'latin1');
    const after = nextQn();
    await c.write(wire.subarray(0, 500));
    await c.write(Buffer.concat([wire.subarray(500), tooLong, encodeHj212Packet(rtd(after))]));
    const answers = await c.waitForAnswers(2);
    expect(answers.map((a) => [a.cn, a.qn])).toEqual([
      ['9014', qn],
      ['9014', after],
    ]);
    expect((await t.db.pool.query(`select length(segment) as n from hj212_packet where qn = $1`, [qn])).rows).toEqual([{ n: 1024 }]);
  });

  it('looks up the MNs missing from its directory cache in one query, and answers from the cache after', async () => {
    const s = new PgHj212Store(t.db.pool, { directoryCacheMs: 60_000 });
    const spy = jest.spyOn(t.db.pool, 'query');
    try {
      const found = await Promise.all([MN, 'NOT-BOUND-1', MN, 'NOT-BOUND-2'].map((m) => s.device(m)));
      expect(found).toEqual([{ mn: MN, password: PW }, null, { mn: MN, password: PW }, null]);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(await s.device('NOT-BOUND-1')).toBeNull();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('reads every bound device before the first packet, answers from an entry past half its life and reads it again in the background', async () => {
    let now = 1_000_000;
    const s = new PgHj212Store(t.db.pool, { directoryCacheMs: 60_000, now: () => now });
    expect(await s.preloadDirectory()).toBeGreaterThanOrEqual(1);
    const spy = jest.spyOn(t.db.pool, 'query');
    try {
      expect(await s.device(MN)).toEqual({ mn: MN, password: PW });
      expect(spy).not.toHaveBeenCalled();
      // Past half its life: still the answer at once, and one read of it follows.
      now += 31_000;
      expect(await s.device(MN)).toEqual({ mn: MN, password: PW });
      expect(spy).not.toHaveBeenCalled();
      await until(() => spy.mock.calls.length === 1, 15_000, 'the background read of the entry');
      // Past its whole life (from that read) without a packet: the next one waits for a read, as a miss does.
      now += 61_000;
      expect(await s.device(MN)).toEqual({ mn: MN, password: PW });
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('does not cache what a read in flight returns for an MN whose binding changed meanwhile', async () => {
    const s = new PgHj212Store(t.db.pool, { directoryCacheMs: 60_000 });
    const spy = jest.spyOn(t.db.pool, 'query');
    const reads = () => spy.mock.calls.filter(([sql]) => String(sql).includes('from monitoring_device where mn = any')).length;
    const blocked = async () =>
      Number((await t.db.pool.query(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0].n);
    // The look-up's read is held in flight (the table locked) while the binding changes.
    const binder = await t.db.pool.connect();
    try {
      await binder.query('begin');
      await binder.query('lock table monitoring_device in access exclusive mode');
      const first = s.device('NOT-BOUND-3');
      await until(async () => (await blocked()) === 1, 15_000, 'the look-up read waiting on the lock');
      s.forget('NOT-BOUND-3');
      await binder.query('commit');
      expect(await first).toBeNull();
      // What that read returned predates the change: it is not cached, the next packet reads again.
      expect(await s.device('NOT-BOUND-3')).toBeNull();
      expect(reads()).toBe(2);
    } finally {
      await binder.query('rollback').catch(() => undefined);
      binder.release();
      spy.mockRestore();
    }
  });

  it('stores an hourly packet, with its hours, while minute data waits on a lock', async () => {
    const s = new PgHj212Store(t.db.pool, { directoryCacheMs: 60_000 });
    const packet = (segment: string) => ({ packet: parseHj212Segment(segment), segment, status: 'ACCEPTED' as const, receivedAt: new Date(), peer: null });
    const minute = (qn: string) => `QN=${qn};ST=31;CN=2051;PW=${PW};MN=${MN};Flag=5;CP=&&DataTime=${timeOf(qn)};a21026-Avg=30,a21026-Flag=N&&`;
    await s.store(packet(minute(nextQn())));
    // Hold the sender row of MN: both minute writers block on it.
    const holder = await t.db.pool.connect();
    let held = true;
    try {
      await holder.query('begin');
      await holder.query(`select 1 from hj212_sender where mn = $1 for update`, [MN]);
      const waiting = [s.store(packet(minute(nextQn()))), s.store(packet(minute(nextQn())))];
      let minuteDone = false;
      void Promise.all(waiting).then(() => (minuteDone = true));
      const blocked = async () =>
        Number((await t.db.pool.query(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0].n);
      await until(async () => (await blocked()) === 2, 15_000, 'both minute writes waiting on the lock');
      // Another device's hourly packet goes through its own writer meanwhile.
      const other = '3702110001DA0080000000B2';
      await bindMonitoringDeviceRows(
        t.db.pool,
        { mn: other, creditCode: CREDIT, outletCode: 'DA008', password: PW, limits: [{ pollutantCode: 'a21026', limit: 50, unit: 'mg/m3' }] },
        'test',
      );
      // (Bounded, so a gateway whose hourly packet queues behind the minute writers fails here instead of hanging.)
      const hourlyStored = s.store(packet(hourly('20261129080000', [['a21026', 41, 'N']], other)));
      const waited = new Promise((r) => setTimeout(() => r('still waiting behind the minute writes after 20 s'), 20_000).unref());
      expect(await Promise.race([hourlyStored, waited])).toEqual({ stored: true });
      expect((await t.db.pool.query(`select avg from monitoring_hour where outlet_code = 'DA008'`)).rows).toEqual([{ avg: 41 }]);
      expect(minuteDone).toBe(false);
      await holder.query('commit');
      held = false;
      expect(await Promise.all(waiting)).toEqual([{ stored: true }, { stored: true }]);
    } finally {
      if (held) await holder.query('rollback');
      holder.release();
    }
  });

  it('deletes hourly values past their retention in batches and keeps the newer ones and the daily summaries', async () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const before = Number((await t.db.pool.query(`select count(*) as n from monitoring_hour`)).rows[0].n);
    const days = (await t.db.pool.query(`select count(*) as n from monitoring_day`)).rows[0].n;
    await t.db.pool.query(
      `insert into monitoring_hour (credit_code, outlet_code, pollutant_code, hour, avg, flag, mn)
       select $1, 'DA009', 'a21026', $2::timestamptz - make_interval(days => 400 + g), 10, 'N', $3 from generate_series(1, 3) g`,
      [CREDIT, now.toISOString(), MN],
    );
    expect(await pruneHj212Hours(t.db.pool, { now, retentionDays: 400, batch: 2 })).toBe(3);
    expect(Number((await t.db.pool.query(`select count(*) as n from monitoring_hour`)).rows[0].n)).toBe(before);
    expect((await t.db.pool.query(`select count(*) as n from monitoring_day`)).rows[0].n).toBe(days);
  });
});
