import { Hj212Gateway } from '../src/gateway/hj212-gateway.server';
import { maintainHj212Partitions, PgHj212Store } from '../src/gateway/hj212.store';
import { bindMonitoringDeviceRows } from '../src/gateway/monitoring-device.store';
import { provinceDaus } from '../simulator/dau/dau-devices';
import { DauSimulator } from '../simulator/dau/dau.simulator';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { until } from './support/drill-kit';

/**
 * `hub dau-sim`'s DAUs against the gateway over TCP with every fault on: each distinct packet is
 * stored exactly once, and the exceeding hours they sent are the ones the store counts.
 */
describe('DAU simulator against the HJ 212 gateway', () => {
  let t: TestDatabase;
  let gateway: Hj212Gateway;
  let sim: DauSimulator | null = null;

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    sim?.stop();
    await gateway?.close();
    await t.drop();
  });

  it('stores every distinct packet once under split, merged, bad-CRC, 2005, lowercase, withheld and reconnect faults', async () => {
    await maintainHj212Partitions(t.db.pool);
    const devices = provinceDaus({ enterprises: 60, seed: 5, today: '2026-11-30', limit: 12 });
    for (const d of devices) await bindMonitoringDeviceRows(t.db.pool, d, 'test');
    const store = new PgHj212Store(t.db.pool);
    gateway = new Hj212Gateway({ directory: store, sink: store });
    const port = await gateway.listen(0, '127.0.0.1');
    sim = new DauSimulator({
      host: '127.0.0.1',
      port,
      devices,
      seed: 9,
      rtdIntervalMs: 0,
      minuteIntervalMs: 70,
      hourIntervalMs: 50,
      firstHour: '20261128000000',
      exceedShare: 0.3,
      answerTimeoutMs: 3_000,
      faults: { split: 0.2, merge: 0.15, badCrc: 0.1, dialect2005: 0.1, lowercaseCrc: 0.2, withhold: 0.1, reconnect: 0.05 },
    });
    await sim.start();
    await until(() => sim!.stats.hourlyPackets >= devices.length * 8, 60_000, 'eight hourly packets per DAU');
    sim.halt();
    const drained = await sim.drain(30_000);
    if (!drained) console.log(JSON.stringify({ pending: sim.pending(), gw: gateway.stats, sim: { ...sim.stats, latency: sim.stats.latency.all.count } }));
    expect(drained).toBe(true);
    const s = sim.stats;
    expect(s.crcRefusals).toBeGreaterThan(0);
    expect(s.repeatsSent).toBeGreaterThan(0);
    expect(s.reconnects).toBeGreaterThan(0);
    const q = async (sql: string) => Number((await t.db.pool.query(sql)).rows[0].n);
    expect(await q(`select count(*) as n from hj212_packet where status = 'ACCEPTED'`)).toBe(s.distinctPackets);
    expect(await q(`select count(*) as n from hj212_packet where status <> 'ACCEPTED'`)).toBe(0);
    expect(await q(`select count(*) as n from hj212_packet where dialect = '2005'`)).toBeGreaterThan(0);
    expect(await q(`select count(*) as n from hj212_packet where cn = '2061'`)).toBe(s.hourlyPackets);
    expect(
      await q(`select count(*) as n from monitoring_hour h join monitoring_device d on d.credit_code = h.credit_code and d.outlet_code = h.outlet_code
                 join monitoring_device_limit l on l.mn = d.mn and l.pollutant_code = h.pollutant_code where h.avg > l.limit_value and h.flag = 'N'`),
    ).toBe(s.exceedingHours);
    expect(await q(`select coalesce(sum(exceed_hours), 0) as n from monitoring_day where provisional`)).toBe(s.exceedingHours);
    expect(gateway.stats.repeats).toBeGreaterThan(0);
  });
});
