import type { SourceSystem } from '../domain/vocabulary';
import type { DeductionItem } from './health-report.service';

/**
 * Deductions of one rule grouped for reading: the monitoring deductions of
 * an outlet (and pollutant, for `MON_EXCEED`) in one month, or one other
 * deduction on its own. A chronic exceeder's hundreds of monitoring
 * deductions become a few dozen groups; `days` keeps every deduction.
 */
export interface DeductionGroupData {
  rule: string;
  system: SourceSystem;
  /** `YYYY-MM` of the group's deductions. */
  month: string;
  /** Monitoring groups: the outlet and (`MON_EXCEED`) the pollutant; null otherwise. */
  outletCode: string | null;
  pollutantCode: string | null;
  /** Occurrences (days, for monitoring). */
  count: number;
  /** Points of all of them. */
  points: number;
  /** First and last event date (`YYYY-MM-DD`). */
  from: string;
  to: string;
  /** The group's deductions, oldest first. */
  days: DeductionItem[];
}

/** Outlet and pollutant of a monitoring record id: `outlet/pollutant/date` (exceedance) or `outlet/date` (missing day). */
function monitoringKey(recordId: string): { outletCode: string; pollutantCode: string | null } {
  const parts = recordId.split('/');
  if (parts.length >= 3) return { outletCode: parts.slice(0, -2).join('/'), pollutantCode: parts[parts.length - 2] };
  return { outletCode: parts[0], pollutantCode: null };
}

/** The group a deduction falls in (see {@link DeductionGroupData}), as a string equal for the deductions of one group. */
export function deductionGroupOf(d: Pick<DeductionItem, 'rule' | 'system' | 'recordId' | 'date'>): string {
  if (d.system !== 'monitoring') return `${d.rule}|${d.system}|${d.recordId}|${d.date}`;
  const mon = monitoringKey(d.recordId);
  return `${d.rule}|${mon.outletCode}|${mon.pollutantCode ?? ''}|${d.date.slice(0, 7)}`;
}

/**
 * Groups a report's deductions (see {@link DeductionGroupData}), in the order
 * of their first deduction (as `deductions` lists them: by date, rule, record).
 * The groups' points add up to the deductions' points.
 */
export function groupDeductions(deductions: readonly DeductionItem[]): DeductionGroupData[] {
  const groups = new Map<string, DeductionGroupData>();
  for (const d of deductions) {
    const month = d.date.slice(0, 7);
    const mon = d.system === 'monitoring' ? monitoringKey(d.recordId) : null;
    const key = deductionGroupOf(d);
    let g = groups.get(key);
    if (!g) {
      g = {
        rule: d.rule,
        system: d.system,
        month,
        outletCode: mon?.outletCode ?? null,
        pollutantCode: mon?.pollutantCode ?? null,
        count: 0,
        points: 0,
        from: d.date,
        to: d.date,
        days: [],
      };
      groups.set(key, g);
    }
    g.count += 1;
    g.points += d.points;
    if (d.date < g.from) g.from = d.date;
    if (d.date > g.to) g.to = d.date;
    g.days.push(d);
  }
  return [...groups.values()];
}
