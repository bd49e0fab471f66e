import { hj212Crc, hj212CrcHex, hj212CrcMatches } from './hj212-crc';

/** The two vectors of spec/hj212.md, verified against devices in the field. */
const VECTORS = [
  {
    segment: 'QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&',
    length: 101,
    crc: '1C80',
  },
  {
    segment: 'ST=32;CN=2011;PW=123456;MN=NJGDKYYC202101q0001w0001;CP=&&DataTime=20210305003817000;ele01-Rtd=1;ele02-Rtd=0&&',
    length: 109,
    crc: '8C41',
  },
];

describe('HJ 212 CRC (Appendix A)', () => {
  it.each(VECTORS)('gives $crc for the verified vector of length $length', ({ segment, length, crc }) => {
    expect(segment.length).toBe(length);
    expect(hj212CrcHex(segment)).toBe(crc);
    expect(hj212Crc(Buffer.from(segment))).toBe(parseInt(crc, 16));
  });

  it('is not the Modbus CRC-16 of the same bytes', () => {
    // Modbus CRC-16 of "123456789" is 0x4B37; the HJ 212 register differs.
    expect(hj212Crc('123456789')).not.toBe(0x4b37);
  });

  it('compares the carried CRC case-insensitively and rejects what is not four hex digits', () => {
    const { segment } = VECTORS[0];
    expect(hj212CrcMatches(segment, '1C80')).toBe(true);
    expect(hj212CrcMatches(segment, '1c80')).toBe(true);
    expect(hj212CrcMatches(segment, '1C81')).toBe(false);
    expect(hj212CrcMatches(segment, '1C8')).toBe(false);
    expect(hj212CrcMatches(segment, '1C8G')).toBe(false);
  });

  it('pads a small register to four digits', () => {
    const hex = hj212CrcHex('');
    expect(hex).toBe('FFFF');
    for (const s of ['a', 'QN=1', 'CP=&&&&']) expect(hj212CrcHex(s)).toMatch(/^[0-9A-F]{4}$/);
  });
});
