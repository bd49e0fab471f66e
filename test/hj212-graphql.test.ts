import { withCheckChar } from '../src/domain/credit-code';
import { startHj212Gateway } from '../src/app/hj212-gateway.module';
import { Hj212ClientConnection } from '../src/gateway/hj212-client';
import { encodeHj212Packet } from '../src/gateway/hj212-packet';
import type { Hj212Gateway } from '../src/gateway/hj212-gateway.server';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * The stewards' GraphQL side of the HJ 212 gateway: an unbound MN listed, bound by a steward of
 * the enterprise's county (not by one of another county), its packets then served as
 * `Enterprise.monitoringHours` with the C-flagged hour not exceeding.
 */
describe('HJ 212 devices over GraphQL', () => {
  let hub: TestHub;
  let gateway: Hj212Gateway;
  let port: number;
  const code = withCheckChar('91370102MA3C4R5X2');
  const MN = '370102ABCDDA001123456789';

  beforeAll(async () => {
    hub = await startTestHub({ server: true });
    await hub.tdb.db.pool.query(`insert into enterprise (credit_code, name, division_code) values ($1, '测试化工有限公司', '370102')`, [code]);
    ({ gateway, port } = await startHj212Gateway(hub.services.hj212, 0, () => undefined));
  });
  afterAll(async () => {
    await gateway.close();
    await hub.close();
  });

  it('lists an unbound MN, binds it within the jurisdiction only, and serves its hourly values', async () => {
    const dau = await Hj212ClientConnection.connect('127.0.0.1', port);
    const packet = (hour: string, avg: number, flag: string, qn: string) =>
      encodeHj212Packet(`QN=${qn};ST=31;CN=2061;PW=654321;MN=${MN};Flag=5;CP=&&DataTime=${hour};a21026-Avg=${avg},a21026-Flag=${flag}&&`);
    await dau.write(Buffer.concat([packet('20261130090000', 60, 'N', '20261130100000001'), packet('20261130100000', 70, 'C', '20261130110000001')]));
    expect((await dau.waitForAnswers(2)).map((a) => a.items[0]?.[0])).toEqual([
      ['QnRtn', '4'],
      ['QnRtn', '4'],
    ]);
    await dau.close();

    const steward = await hub.createKey('370102', 'STEWARD');
    const otherCounty = await hub.createKey('370103', 'STEWARD');
    const listed = await hub.graphqlAs(steward, `{ monitoringDevices(bound: false) { mn bound packets lastStatus } }`);
    expect(listed.data.monitoringDevices).toEqual([{ mn: MN, bound: false, packets: 2, lastStatus: 'UNBOUND' }]);

    const bind = `mutation($input: BindMonitoringDeviceInput!) { bindMonitoringDevice(input: $input) { packetsAccepted hours device { mn bound creditCode outletCode limits { pollutantCode limit unit } } } }`;
    const input = { mn: MN, creditCode: code, outletCode: 'DA001', password: '654321', limits: [{ pollutantCode: 'a21026', limit: 50, unit: 'mg/m3' }] };
    const refused = await hub.graphqlAs(otherCounty, bind, { input });
    expect(refused.errors?.[0].message).toMatch(/outside your jurisdiction/);
    const partner = await hub.createKey('370102', 'PARTNER');
    expect((await hub.graphqlAs(partner, bind, { input })).errors?.length).toBeGreaterThan(0);

    const bound = await hub.graphqlAs(steward, bind, { input });
    expect(bound.errors).toBeUndefined();
    expect(bound.data.bindMonitoringDevice).toEqual({
      packetsAccepted: 2,
      hours: 2,
      device: { mn: MN, bound: true, creditCode: code, outletCode: 'DA001', limits: [{ pollutantCode: 'a21026', limit: 50, unit: 'mg/m3' }] },
    });

    const hours = await hub.graphqlAs(
      steward,
      `query($c: String!) { enterprise(creditCode: $c) { monitoringHours(from: "2026-11-30T00:00:00Z", to: "2026-12-01T00:00:00Z", pollutantCode: "a21026") { at outletCode pollutantCode avg flag limit exceeds provisional } } }`,
      { c: code },
    );
    expect(hours.errors).toBeUndefined();
    expect(hours.data.enterprise.monitoringHours).toEqual([
      { at: '2026-11-30T01:00:00.000Z', outletCode: 'DA001', pollutantCode: 'a21026', avg: 60, flag: 'N', limit: 50, exceeds: true, provisional: true },
      { at: '2026-11-30T02:00:00.000Z', outletCode: 'DA001', pollutantCode: 'a21026', avg: 70, flag: 'C', limit: 50, exceeds: false, provisional: true },
    ]);
    const day = (await hub.tdb.db.pool.query(`select valid_hours, exceed_hours, provisional from monitoring_day where credit_code = $1`, [code])).rows;
    expect(day).toEqual([{ valid_hours: 1, exceed_hours: 1, provisional: true }]);
  });
});
