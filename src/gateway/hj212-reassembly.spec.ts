import { parseHj212Segment } from './hj212-packet';
import { Hj212Reassembler } from './hj212-reassembly';

const part = (pno: number, cp: string, pnum = 3, qn = '20261130100000123', mn = 'MN1') =>
  parseHj212Segment(`QN=${qn};ST=31;CN=2061;PW=123456;MN=${mn};Flag=7;PNUM=${pnum};PNO=${pno};CP=&&${cp}&&`);

describe('HJ 212 split messages (PNUM/PNO)', () => {
  it('joins the parts of one QN in PNO order, whatever the arrival order', () => {
    const r = new Hj212Reassembler();
    expect(r.add(part(2, 'a21026-Avg=38.2,a21026-Flag=N'))).toBeNull();
    expect(r.add(part(3, 'a21002-Avg=61.0,a21002-Flag=N'))).toBeNull();
    const whole = r.add(part(1, 'DataTime=20261130090000'));
    expect(whole).not.toBeNull();
    expect(whole!.split).toBe(false);
    expect(whole!.wantsAnswer).toBe(true);
    expect(whole!.dataTime).toBe('20261130090000');
    expect(whole!.pollutants.map((p) => p.code)).toEqual(['a21026', 'a21002']);
    expect(whole!.cpText).toBe('DataTime=20261130090000;a21026-Avg=38.2,a21026-Flag=N;a21002-Avg=61.0,a21002-Flag=N');
    expect(r.pendingMessages).toBe(0);
  });

  it('keeps messages of different QN or MN apart and passes whole packets through', () => {
    const r = new Hj212Reassembler();
    expect(r.add(part(1, 'DataTime=20261130090000', 2, 'Q1'))).toBeNull();
    expect(r.add(part(1, 'DataTime=20261130100000', 2, 'Q2'))).toBeNull();
    expect(r.add(part(2, 'x-Avg=1', 2, 'Q1', 'MN2'))).toBeNull();
    expect(r.add(part(2, 'x-Avg=2', 2, 'Q2'))!.dataTime).toBe('20261130100000');
    const whole = parseHj212Segment('QN=1;ST=31;CN=2061;MN=X;Flag=5;CP=&&DataTime=20261130090000&&');
    expect(r.add(whole)).toBe(whole);
    expect(r.pendingMessages).toBe(2);
  });

  it('bounds the messages waiting and drops the stale ones', () => {
    let now = 0;
    const r = new Hj212Reassembler({ maxPending: 3, maxAgeMs: 1000 }, () => now);
    for (let i = 0; i < 10; i++) r.add(part(1, 'DataTime=20261130090000', 2, `Q${i}`));
    expect(r.pendingMessages).toBe(3);
    now = 5000;
    r.add(part(1, 'DataTime=20261130090000', 2, 'fresh'));
    expect(r.pendingMessages).toBe(1);
  });
});
