/**
 * The enforcement system's field work: bureaus hand it a work list (the
 * enterprises of a random-inspection plan, the enterprises of supervision
 * tasks) and it records one inspection per entry, whose finding follows the
 * enterprise's hidden compliance profile — so a score that finds the risky
 * enterprises sees its HIGH class violate more often than MEDIUM, and MEDIUM
 * more than LOW. Findings are deterministic: hash(seed, credit code, date).
 */
import { hashUnit } from './prng';
import type { Profile } from './province.generator';
import type { EnforcementRecord } from './source-record.types';
import type { SourceDataStore } from './source-data.store';

/** Chance that an inspection of an enterprise of each profile finds a violation. */
export const VIOLATION_CHANCE: Record<Profile, number> = { clean: 0.04, minor: 0.22, moderate: 0.45, bad: 0.7, worst: 0.9 };

/** One entry of a work list: inspect this enterprise on this date (YYYY-MM-DD). */
export interface InspectionOrder {
  creditCode: string;
  date: string;
}

/** The chance for an enterprise without a generated profile (a data folder): from the violations in its history. */
function chanceFromHistory(store: SourceDataStore, creditCode: string): number {
  const seen = store.enforcementView().filter((r) => r.credit_code === creditCode && r.kind === 'INSPECTION' && r.finding === 'VIOLATION').length;
  return seen === 0 ? VIOLATION_CHANCE.clean : seen === 1 ? VIOLATION_CHANCE.minor : VIOLATION_CHANCE.moderate;
}

/**
 * Records an inspection per order (record id `INSP-<date>-<credit code>`, so the
 * same order twice is one record) and returns them, in the orders' order.
 */
export function performInspections(store: SourceDataStore, orders: readonly InspectionOrder[]): EnforcementRecord[] {
  const records = orders.map((o): EnforcementRecord => {
    if (typeof o?.creditCode !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(String(o?.date)))
      throw new Error('each order needs a creditCode and a date YYYY-MM-DD');
    const profile = store.profiles.get(o.creditCode);
    const chance = profile ? VIOLATION_CHANCE[profile] : chanceFromHistory(store, o.creditCode);
    const violation = hashUnit(store.seed, 'inspection', o.creditCode, o.date) < chance;
    return {
      record_id: `INSP-${o.date.replace(/-/g, '')}-${o.creditCode}`,
      kind: 'INSPECTION',
      credit_code: o.creditCode,
      date: o.date,
      finding: violation ? 'VIOLATION' : 'NONE',
      status: 'ACTIVE',
      modified_at: '',
    };
  });
  if (records.length) store.upsert('enforcement', records);
  return records;
}
