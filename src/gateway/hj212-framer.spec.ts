import { Hj212Framer, HJ212_MAX_PACKET, type Hj212Frame } from './hj212-framer';
import { encodeHj212Packet } from './hj212-packet';

const SEG = 'QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&';
const HOURLY =
  'QN=20261130100000123;ST=31;CN=2061;PW=123456;MN=3702110001DA0010000000A1;Flag=5;CP=&&DataTime=20261130090000;a21026-Avg=38.2,a21026-Min=30.1,a21026-Max=52.0,a21026-Flag=N;a21002-Avg=61.0,a21002-Flag=N&&';

function packets(events: ReturnType<Hj212Framer['push']>): Hj212Frame[] {
  return events.filter((e): e is Hj212Frame => e.kind === 'packet');
}

describe('HJ 212 framer', () => {
  it('frames the verified vector as sent on the wire', () => {
    const wire = Buffer.from(`##0101${SEG}1C80\r\n`, 'latin1');
    expect(encodeHj212Packet(SEG).equals(wire)).toBe(true);
    const [frame] = packets(new Hj212Framer().push(wire));
    expect(frame).toEqual({ kind: 'packet', segment: SEG, crcText: '1C80', crcOk: true, bytes: wire.length });
  });

  it('joins one packet delivered in three writes', () => {
    const wire = encodeHj212Packet(HOURLY);
    const f = new Hj212Framer();
    expect(f.push(wire.subarray(0, 3))).toEqual([]);
    expect(f.push(wire.subarray(3, 90))).toEqual([]);
    const out = packets(f.push(wire.subarray(90)));
    expect(out.map((p) => p.segment)).toEqual([HOURLY]);
    expect(f.buffered).toBe(0);
  });

  it('splits three packets delivered in one write, in order', () => {
    const wire = Buffer.concat([encodeHj212Packet(SEG), encodeHj212Packet(HOURLY), encodeHj212Packet(SEG, { lowercaseCrc: true })]);
    const out = packets(new Hj212Framer().push(wire));
    expect(out.map((p) => [p.segment, p.crcOk])).toEqual([
      [SEG, true],
      [HOURLY, true],
      [SEG, true],
    ]);
    expect(out[2].crcText).toBe('1c80');
  });

  it('delivers the same packets whatever the cut points of the stream', () => {
    const wire = Buffer.concat([encodeHj212Packet(SEG), Buffer.from('xx#'), encodeHj212Packet(HOURLY), encodeHj212Packet(SEG)]);
    for (let step = 1; step <= 40; step += 3) {
      const f = new Hj212Framer();
      const got: string[] = [];
      for (let i = 0; i < wire.length; i += step) got.push(...packets(f.push(wire.subarray(i, i + step))).map((p) => p.segment));
      expect(got).toEqual([SEG, HOURLY, SEG]);
    }
  });

  it('skips garbage before a packet and reports it', () => {
    const f = new Hj212Framer();
    const events = f.push(Buffer.concat([Buffer.from('GET / HTTP/1.1\r\n\r\n'), encodeHj212Packet(SEG)]));
    expect(events[0]).toEqual({ kind: 'garbage', bytes: 18, reason: 'no header' });
    expect(packets(events).map((p) => p.segment)).toEqual([SEG]);
  });

  it('resyncs at the next ## after a length that is not four digits', () => {
    const events = new Hj212Framer().push(Buffer.concat([Buffer.from('##01x5junk'), encodeHj212Packet(SEG)]));
    expect(events.some((e) => e.kind === 'garbage' && e.reason === 'length not four digits')).toBe(true);
    expect(packets(events).map((p) => p.segment)).toEqual([SEG]);
  });

  it('resyncs when there is no CRLF where the length says the packet ends', () => {
    // A length of 0020 over a longer segment: byte 26..27 is not CRLF.
    const broken = Buffer.from(`##0020${SEG}1C80\r\n`, 'latin1');
    const events = new Hj212Framer().push(Buffer.concat([broken, encodeHj212Packet(HOURLY)]));
    expect(events.some((e) => e.kind === 'garbage' && e.reason === 'no CRLF after CRC')).toBe(true);
    expect(packets(events).map((p) => p.segment)).toEqual([HOURLY]);
  });

  it('rejects a length above 1024 and frames a 1,036-byte packet', () => {
    const events = new Hj212Framer().push(Buffer.from('##1025abc'));
    expect(events[0]).toEqual({ kind: 'garbage', bytes: 1, reason: 'length over 1024' });
    expect(packets(events)).toEqual([]);
    const seg = `ST=32;CN=2011;CP=&&${'a'.repeat(1024 - 21)}&&`;
    expect(seg.length).toBe(1024);
    const wire = encodeHj212Packet(seg);
    expect(wire.length).toBe(HJ212_MAX_PACKET);
    expect(packets(new Hj212Framer().push(wire))[0].crcOk).toBe(true);
  });

  it('marks a packet whose CRC does not match without dropping the stream', () => {
    const out = packets(new Hj212Framer().push(Buffer.concat([encodeHj212Packet(SEG, { crc: '0000' }), encodeHj212Packet(HOURLY)])));
    expect(out.map((p) => p.crcOk)).toEqual([false, true]);
  });

  it('keeps at most one packet of bytes whatever the peer sends', () => {
    const f = new Hj212Framer();
    for (let i = 0; i < 50; i++) {
      f.push(Buffer.alloc(4096, 0x41));
      expect(f.buffered).toBeLessThan(HJ212_MAX_PACKET);
    }
    // A header that promises 1024 bytes and then sends endless garbage without a ##.
    f.push(Buffer.from('##1024'));
    for (let i = 0; i < 10; i++) {
      f.push(Buffer.alloc(1000, 0x42));
      expect(f.buffered).toBeLessThan(HJ212_MAX_PACKET);
    }
    expect(packets(f.push(encodeHj212Packet(SEG))).map((p) => p.segment)).toEqual([SEG]);
  });

  it('finds a header that follows a stray #', () => {
    const out = packets(new Hj212Framer().push(Buffer.concat([Buffer.from('#'), encodeHj212Packet(SEG)])));
    expect(out.map((p) => p.segment)).toEqual([SEG]);
  });

  it('keeps a trailing # that may start the next header', () => {
    const wire = encodeHj212Packet(SEG);
    const f = new Hj212Framer();
    expect(packets(f.push(Buffer.concat([Buffer.from('zz'), wire.subarray(0, 1)])))).toEqual([]);
    expect(f.buffered).toBe(1);
    expect(packets(f.push(wire.subarray(1))).map((p) => p.segment)).toEqual([SEG]);
  });
});
