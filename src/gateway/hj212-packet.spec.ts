import { encodeHj212Packet, hj212DataTimeToDate, Hj212ParseError, parseHj212Segment } from './hj212-packet';
import { dataAnswerSegment, QnRtn, requestAnswerSegment } from './hj212-answer';
import { hj212CrcHex } from './hj212-crc';

const HOURLY =
  'QN=20261130100000123;ST=31;CN=2061;PW=123456;MN=3702110001DA0010000000A1;Flag=5;CP=&&DataTime=20261130090000;a21026-Avg=38.2,a21026-Min=30.1,a21026-Max=52.0,a21026-Flag=N;a21002-Avg=61.0,a21002-Flag=N&&';

describe('HJ 212 data segment', () => {
  it('reads the header fields, Flag bits and CP of an hourly upload', () => {
    const p = parseHj212Segment(HOURLY);
    expect(p).toMatchObject({ qn: '20261130100000123', st: '31', cn: '2061', pw: '123456', mn: '3702110001DA0010000000A1', flag: 5 });
    expect(p.dialect).toBe('2017');
    expect(p.wantsAnswer).toBe(true);
    expect(p.split).toBe(false);
    expect(p.dataTime).toBe('20261130090000');
    expect(p.pollutants).toEqual([
      { code: 'a21026', sentCode: 'a21026', values: { Avg: '38.2', Min: '30.1', Max: '52.0', Flag: 'N' } },
      { code: 'a21002', sentCode: 'a21002', values: { Avg: '61.0', Flag: 'N' } },
    ]);
    expect(p.items).toHaveLength(3);
    expect(p.items[1]).toEqual([
      ['a21026-Avg', '38.2'],
      ['a21026-Min', '30.1'],
      ['a21026-Max', '52.0'],
      ['a21026-Flag', 'N'],
    ]);
  });

  it('reads the Flag bits: 4 no answer, 5 answer, 6 split, 7 split with answer', () => {
    const f = (flag: number, extra = '') => parseHj212Segment(`QN=1;ST=32;CN=2011;MN=X;Flag=${flag}${extra};CP=&&&&`);
    expect([f(4).wantsAnswer, f(4).split]).toEqual([false, false]);
    expect([f(5).wantsAnswer, f(5).split]).toEqual([true, false]);
    expect([f(6, ';PNUM=2;PNO=1').wantsAnswer, f(6, ';PNUM=2;PNO=1').split]).toEqual([false, true]);
    expect(f(7, ';PNUM=3;PNO=2')).toMatchObject({ wantsAnswer: true, split: true, pnum: 3, pno: 2 });
    expect(() => f(6)).toThrow(Hj212ParseError);
  });

  it('treats field names as case-sensitive', () => {
    const p = parseHj212Segment('qn=1;St=32;CN=2011;mn=X;Flag=4;CP=&&&&');
    expect(p.qn).toBeNull();
    expect(p.mn).toBeNull();
    expect(p.st).toBeNull();
    expect(p.extra).toEqual({ qn: '1', St: '32', mn: 'X' });
  });

  it('recognises the 2005 dialect and translates its pollutant codes', () => {
    const p = parseHj212Segment('ST=31;CN=2061;PW=123456;MN=LD130133000015;CP=&&DataTime=20261130090000;02-Avg=38.2,02-Flag=N;03-Avg=12,03-Flag=C&&');
    expect(p.dialect).toBe('2005');
    expect(p.qn).toBeNull();
    expect(p.flag).toBeNull();
    expect(p.wantsAnswer).toBe(false);
    expect(p.pollutants.map((x) => [x.code, x.sentCode, x.values.Flag])).toEqual([
      ['a21026', '02', 'N'],
      ['a21002', '03', 'C'],
    ]);
    expect(parseHj212Segment('QN=1;ST=31;CN=2061;MN=X;Flag=1;CP=&&&&')).toMatchObject({ dialect: '2005', wantsAnswer: true });
  });

  it('reads the second verified vector (no QN, no Flag, DataTime with milliseconds)', () => {
    const p = parseHj212Segment('ST=32;CN=2011;PW=123456;MN=NJGDKYYC202101q0001w0001;CP=&&DataTime=20210305003817000;ele01-Rtd=1;ele02-Rtd=0&&');
    expect(p.mn).toBe('NJGDKYYC202101q0001w0001');
    expect(p.pollutants.map((x) => [x.code, x.values.Rtd])).toEqual([
      ['ele01', '1'],
      ['ele02', '0'],
    ]);
    expect(hj212DataTimeToDate(p.dataTime)?.toISOString()).toBe('2021-03-04T16:38:17.000Z');
  });

  it('refuses a segment without CP or with a malformed field', () => {
    expect(() => parseHj212Segment('QN=1;ST=32;CN=2011')).toThrow(/no CP/);
    expect(() => parseHj212Segment('QN=1;garbage;CP=&&&&')).toThrow(/not key=value/);
    expect(() => parseHj212Segment('QN=1;Flag=x5;CP=&&&&')).toThrow(/Flag=x5/);
  });

  it('converts DataTime from China time and rejects impossible times', () => {
    expect(hj212DataTimeToDate('20261130090000')?.toISOString()).toBe('2026-11-30T01:00:00.000Z');
    expect(hj212DataTimeToDate('20261301090000')).toBeNull();
    expect(hj212DataTimeToDate('2026113009')).toBeNull();
    expect(hj212DataTimeToDate(null)).toBeNull();
  });
});

describe('HJ 212 answers', () => {
  const p = parseHj212Segment(HOURLY);

  it('builds the 9014 data answer with the packet QN, ST=91, Flag=4 and an empty CP', () => {
    const seg = dataAnswerSegment(p);
    expect(seg).toBe('QN=20261130100000123;ST=91;CN=9014;PW=123456;MN=3702110001DA0010000000A1;Flag=4;CP=&&&&');
    const wire = encodeHj212Packet(seg).toString('latin1');
    expect(wire).toBe(`##${String(seg.length).padStart(4, '0')}${seg}${hj212CrcHex(seg)}\r\n`);
    expect(parseHj212Segment(seg)).toMatchObject({ cn: '9014', st: '91', flag: 4, wantsAnswer: false, qn: p.qn });
  });

  it('builds 9011 request answers for a wrong password, an unknown MN and a CRC error', () => {
    expect(requestAnswerSegment(p, QnRtn.WRONG_PASSWORD)).toMatch(/;CN=9011;.*;Flag=4;CP=&&QnRtn=3&&$/);
    expect(requestAnswerSegment(p, QnRtn.UNKNOWN_MN)).toMatch(/CP=&&QnRtn=4&&$/);
    const crc = parseHj212Segment(requestAnswerSegment(p, QnRtn.CRC_ERROR));
    expect(crc.items).toEqual([[['QnRtn', '9']]]);
    expect(crc.qn).toBe(p.qn);
  });

  it('leaves out what the packet did not send', () => {
    expect(dataAnswerSegment({ qn: null, pw: null, mn: 'X' })).toBe('ST=91;CN=9014;MN=X;Flag=4;CP=&&&&');
  });
});
