/**
 * The DAUs of a generated province: one per monitored outlet of `hub sim`'s province (same
 * enterprises, seed and outlets), each with a stable MN, password and the outlet's limits.
 */
import { generateProvince, type ProvinceOptions } from '../province.generator';
import { combine32, hashString } from '../prng';

/** One simulated DAU and the binding a steward would give it. */
export interface SimulatedDau {
  mn: string;
  password: string;
  creditCode: string;
  outletCode: string;
  /** `DA…` flue gas (ST=31) or `DW…` wastewater (ST=32). */
  st: '31' | '32';
  limits: Array<{ pollutantCode: string; limit: number; unit: string }>;
  /** Per-device seed of its values and faults. */
  key: number;
}

function hex(n: number, digits: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(8, '0').slice(-digits);
}

/**
 * The MN of an outlet: the enterprise's registering division (credit code characters 3–8), four
 * hex digits of the enterprise, the outlet code (`DA001`) and nine hex digits of the outlet —
 * 24 characters, the same for the same outlet in every run.
 */
export function outletMn(creditCode: string, outletCode: string): string {
  const e = hashString(creditCode);
  const o = combine32(hashString(`${creditCode}:${outletCode}`), 0x212);
  const tail = hex(o, 8) + hex(combine32(o, 1), 1);
  return `${creditCode.slice(2, 8)}${hex(e, 4)}${outletCode.padEnd(5, '0').slice(0, 5)}${tail}`;
}

/** The six-digit access password of a DAU (stable per MN). */
export function dauPassword(mn: string): string {
  return String(hashString(`pw:${mn}`) % 1_000_000).padStart(6, '0');
}

/** The DAUs of a province, in (credit code, outlet) order; `limit` keeps the first N. */
export function provinceDaus(opts: ProvinceOptions & { limit?: number }): SimulatedDau[] {
  const province = generateProvince({ ...opts, monitoringDays: opts.monitoringDays ?? 1 });
  const byOutlet = new Map<string, SimulatedDau>();
  for (const c of province.monitoring.channels) {
    const k = `${c.creditCode}:${c.outletCode}`;
    let d = byOutlet.get(k);
    if (!d) {
      const mn = outletMn(c.creditCode, c.outletCode);
      d = {
        mn,
        password: dauPassword(mn),
        creditCode: c.creditCode,
        outletCode: c.outletCode,
        st: c.outletCode.startsWith('DW') ? '32' : '31',
        limits: [],
        key: c.outletKey,
      };
      byOutlet.set(k, d);
    }
    d.limits.push({ pollutantCode: c.pollutantCode, limit: c.limit, unit: c.unit });
  }
  const all = [...byOutlet.values()];
  return opts.limit !== undefined ? all.slice(0, opts.limit) : all;
}

/** The binding file of `hub devices bind --file F`: one entry per DAU. */
export function bindingFile(daus: readonly SimulatedDau[]): string {
  return JSON.stringify(
    daus.map((d) => ({ mn: d.mn, creditCode: d.creditCode, outletCode: d.outletCode, password: d.password, limits: d.limits })),
    null,
    1,
  );
}
