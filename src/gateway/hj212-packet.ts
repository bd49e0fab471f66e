import { hj212CrcHex } from './hj212-crc';
import { HJ212_MAX_SEGMENT } from './hj212-framer';

/** Which edition of the standard a packet follows, from the version bits of its `Flag`. */
export type Hj212Dialect = '2017' | '2005';

/** One pollutant's values inside `CP` (`a21026-Avg=38.2,a21026-Flag=N`). */
export interface Hj212PollutantValues {
  /** The pollutant code as the 2017 standard names it (2005 codes are translated). */
  code: string;
  /** The code as the packet sent it. */
  sentCode: string;
  /** Every metric sent for this pollutant, by name: `Rtd`, `Avg`, `Min`, `Max`, `Cou`, `ZsAvg`, `Flag`… */
  values: Record<string, string>;
}

/** A parsed data segment. Field names are case-sensitive, as the standard says. */
export interface Hj212Packet {
  /** Request id `YYYYMMDDhhmmsszzz`; absent in some 2005-era packets. */
  qn: string | null;
  st: string | null;
  cn: string | null;
  pw: string | null;
  mn: string | null;
  /** `Flag` as a number, or null when the packet sends none (2005 dialect). */
  flag: number | null;
  dialect: Hj212Dialect;
  /** `A` bit: the sender asks for an answer. */
  wantsAnswer: boolean;
  /** `D` bit: one part of a split message (`pnum`, `pno` set). */
  split: boolean;
  pnum: number | null;
  pno: number | null;
  /** The text between `CP=&&` and the closing `&&`. */
  cpText: string;
  /** `CP` items (separated by `;`), each a list of `key=value` values (separated by `,`). */
  items: Array<Array<[string, string]>>;
  /** `DataTime` from `CP`, when sent (`YYYYMMDDhhmmss`, possibly with milliseconds). */
  dataTime: string | null;
  /** Values per pollutant, in the order first seen. */
  pollutants: Hj212PollutantValues[];
  /** Other header fields, as sent. */
  extra: Record<string, string>;
}

/** What a segment that cannot be read is missing, for logs and the raw-packet store. */
export class Hj212ParseError extends Error {}

/**
 * HJ/T 212-2005 pollutant codes and their HJ 212-2017 equivalents (flue gas: particulates, SO₂,
 * NOₓ, flow; wastewater: COD, ammonia nitrogen, flow). A 2017 code passes through unchanged.
 */
export const HJ212_2005_CODES: Readonly<Record<string, string>> = {
  '01': 'a34013',
  '02': 'a21026',
  '03': 'a21002',
  B02: 'a00000',
  '011': 'w01018',
  '060': 'w21003',
  B01: 'w00000',
};

const HEADER_FIELDS = new Set(['QN', 'ST', 'CN', 'PW', 'MN', 'Flag', 'PNUM', 'PNO']);

function parseCp(cpText: string): { items: Array<Array<[string, string]>>; dataTime: string | null; pollutants: Hj212PollutantValues[] } {
  const items: Array<Array<[string, string]>> = [];
  const byCode = new Map<string, Hj212PollutantValues>();
  let dataTime: string | null = null;
  for (const itemText of cpText.split(';')) {
    if (itemText === '') continue;
    const item: Array<[string, string]> = [];
    for (const valueText of itemText.split(',')) {
      if (valueText === '') continue;
      const eq = valueText.indexOf('=');
      const key = eq < 0 ? valueText : valueText.slice(0, eq);
      const value = eq < 0 ? '' : valueText.slice(eq + 1);
      item.push([key, value]);
      if (key === 'DataTime') {
        dataTime = value;
        continue;
      }
      const dash = key.lastIndexOf('-');
      if (dash <= 0) continue;
      const sentCode = key.slice(0, dash);
      const metric = key.slice(dash + 1);
      let p = byCode.get(sentCode);
      if (!p) {
        p = { code: HJ212_2005_CODES[sentCode] ?? sentCode, sentCode, values: {} };
        byCode.set(sentCode, p);
      }
      p.values[metric] = value;
    }
    items.push(item);
  }
  return { items, dataTime, pollutants: [...byCode.values()] };
}

/**
 * Reads a data segment: `key=value` fields separated by `;`, then `CP=&&…&&`.
 *
 * Throws {@link Hj212ParseError} when there is no `CP=&&…&&` or a numeric field is not a number;
 * missing `QN`, `PW`, `MN` or `Flag` are left null (the 2005 dialect and some devices omit them),
 * so the caller decides what to answer.
 */
export function parseHj212Segment(segment: string): Hj212Packet {
  const cpAt = segment.indexOf('CP=&&');
  if (cpAt < 0) throw new Hj212ParseError('no CP=&&…&& in the data segment');
  const cpEnd = segment.lastIndexOf('&&');
  if (cpEnd < cpAt + 5) throw new Hj212ParseError('CP=&& is not closed by &&');
  const cpText = segment.slice(cpAt + 5, cpEnd);
  const head: Record<string, string> = {};
  const extra: Record<string, string> = {};
  for (const field of segment.slice(0, cpAt).split(';')) {
    if (field === '') continue;
    const eq = field.indexOf('=');
    if (eq <= 0) throw new Hj212ParseError(`field '${field}' is not key=value`);
    const key = field.slice(0, eq);
    const value = field.slice(eq + 1);
    if (HEADER_FIELDS.has(key)) head[key] = value;
    else extra[key] = value;
  }
  const int = (name: string, max: number): number | null => {
    const v = head[name];
    if (v === undefined) return null;
    if (!/^\d{1,4}$/.test(v) || Number(v) > max) throw new Hj212ParseError(`${name}=${v} is not a number from 0 to ${max}`);
    return Number(v);
  };
  const flag = int('Flag', 255);
  const split = flag !== null && (flag & 2) !== 0;
  const pnum = int('PNUM', 9999);
  const pno = int('PNO', 9999);
  if (split && (pnum === null || pno === null || pno < 1 || pno > pnum)) {
    throw new Hj212ParseError(`Flag=${flag} marks a split message but PNUM/PNO are ${head.PNUM ?? 'missing'}/${head.PNO ?? 'missing'}`);
  }
  const cp = parseCp(cpText);
  return {
    qn: head.QN ?? null,
    st: head.ST ?? null,
    cn: head.CN ?? null,
    pw: head.PW ?? null,
    mn: head.MN ?? null,
    flag,
    dialect: flag !== null && flag >> 2 >= 1 ? '2017' : '2005',
    wantsAnswer: flag !== null && (flag & 1) !== 0,
    split,
    pnum: split ? pnum : null,
    pno: split ? pno : null,
    cpText,
    ...cp,
    extra,
  };
}

/** Writes a packet's header fields and `CP` back as a data segment (used for reassembled messages). */
export function formatHj212Segment(p: Pick<Hj212Packet, 'qn' | 'st' | 'cn' | 'pw' | 'mn' | 'flag' | 'cpText'>): string {
  const head: string[] = [];
  if (p.qn !== null) head.push(`QN=${p.qn}`);
  if (p.st !== null) head.push(`ST=${p.st}`);
  if (p.cn !== null) head.push(`CN=${p.cn}`);
  if (p.pw !== null) head.push(`PW=${p.pw}`);
  if (p.mn !== null) head.push(`MN=${p.mn}`);
  if (p.flag !== null) head.push(`Flag=${p.flag}`);
  return `${head.join(';')};CP=&&${p.cpText}&&`;
}

/** Wraps a data segment into a packet: `##`, length, segment, CRC, `\r\n`. */
export function encodeHj212Packet(segment: string, options: { lowercaseCrc?: boolean; crc?: string } = {}): Buffer {
  const seg = Buffer.from(segment, 'utf8');
  if (seg.length > HJ212_MAX_SEGMENT) throw new Error(`data segment of ${seg.length} bytes exceeds ${HJ212_MAX_SEGMENT}`);
  let crc = options.crc ?? hj212CrcHex(seg);
  if (options.lowercaseCrc) crc = crc.toLowerCase();
  return Buffer.concat([Buffer.from(`##${String(seg.length).padStart(4, '0')}`, 'latin1'), seg, Buffer.from(`${crc}\r\n`, 'latin1')]);
}

/**
 * `DataTime` (`YYYYMMDDhhmmss`, China time, optionally with milliseconds) as an instant, or null
 * when it is not such a time.
 */
export function hj212DataTimeToDate(dataTime: string | null): Date | null {
  if (!dataTime) return null;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/.exec(dataTime);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  const t = Date.UTC(+y, +mo - 1, +d, +h - 8, +mi, +s, ms ? +ms : 0);
  const date = new Date(t);
  // Reject 20261340…: the parts must survive the round trip.
  const back = new Date(t + 8 * 3600_000);
  if (back.getUTCFullYear() !== +y || back.getUTCMonth() !== +mo - 1 || back.getUTCDate() !== +d || back.getUTCHours() !== +h) return null;
  return date;
}
