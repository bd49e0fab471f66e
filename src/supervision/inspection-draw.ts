import { DrawStream, sha256Hex } from './draw-random';
import { InspectionPolicy, classOf } from './inspection-policy.model';

/**
 * The verifiable random-inspection draw (双随机): a pure function of its input.
 * The same {@link DrawInput} gives the identical {@link DrawResult} on any
 * machine; `hub plan verify` recomputes a stored or exported plan with it.
 *
 * The rules, in order, per county (counties in code order):
 * 1. every pool enterprise gets the most demanding class of the policy that
 *    applies (its risk level or its credit rating);
 * 2. it is left out when its class draws 0 %, when it already had
 *    `annualCap` routine draws in the plan's year, or when it was inspected
 *    within `recentInspectionDays` days before the plan date;
 * 3. each class draws `ceil(eligible × share / 100)` enterprises;
 * 4. the county's budget is what its roster can staff: `min(⌊S / k⌋, ⌊(S − M) / (k − 1)⌋)`
 *    items for capacities summing to S, the largest M, k inspectors per item.
 *    When the targets exceed it, every 100 % enterprise is kept and the other
 *    classes are scaled down in proportion (remainders to the most demanding
 *    class first); the shortfall is reported;
 * 5. within a class, the enterprises (sorted by credit code) are shuffled by a
 *    partial Fisher–Yates with the stream `seed|quarter|county|class|CODE`, and
 *    the first `target` are drawn;
 * 6. drawn enterprises (by class, most demanding first, then credit code) get
 *    k distinct inspectors of the county's roster (sorted by id), drawn one by
 *    one with the stream `seed|quarter|county|inspectors` among those with
 *    capacity left and not in conflict with the enterprise; the last pick
 *    skips an inspector that would repeat the enterprise's previous set. An
 *    enterprise no one can staff stays in the plan without inspectors
 *    (reported as unstaffed).
 *
 * Orderings compare strings by UTF-16 code units, never by locale.
 */

/** One enterprise of the pool as of the plan date. */
export interface PoolEntry {
  creditCode: string;
  /** The county (or district) whose bureau and roster it belongs to. */
  divisionCode: string;
  riskLevel: string;
  /** The current credit rating, null when none. */
  creditLevel: string | null;
  /** Routine (plan) draws of the enterprise in the plan's year so far. */
  routineDrawsThisYear: number;
  /** Date (YYYY-MM-DD) of its latest inspection of any kind, null when none. */
  lastInspectionDate: string | null;
  /** Inspector ids of its previous routine inspection, empty when none. */
  previousInspectors: string[];
}

/** One inspector of a county's roster. */
export interface RosterEntry {
  id: string;
  divisionCode: string;
  capacityPerQuarter: number;
  /** Credit codes of enterprises the inspector is declared in conflict with. */
  conflicts: string[];
}

/** Everything a draw depends on. */
export interface DrawInput {
  policy: InspectionPolicy;
  quarter: string;
  seed: string;
  /** The plan date (YYYY-MM-DD, China time): the 30-day rule counts back from it. */
  planDate: string;
  pool: PoolEntry[];
  roster: RosterEntry[];
}

/** A drawn enterprise. */
export interface DrawItem {
  creditCode: string;
  divisionCode: string;
  classCode: string;
  /** Inspector ids in the order drawn; empty when the county could not staff it. */
  inspectorIds: string[];
}

/** What the draw did in one county. */
export interface CountyDrawReport {
  divisionCode: string;
  /** Per class code: enterprises in the class (before exclusions). */
  inClass: Record<string, number>;
  /** Per class code: eligible after the cap and 30-day rules. */
  eligible: Record<string, number>;
  /** Per class code: what the shares ask for. */
  target: Record<string, number>;
  /** Per class code: what was drawn. */
  drawn: Record<string, number>;
  excludedAnnualCap: number;
  excludedRecentInspection: number;
  rosterSize: number;
  capacity: number;
  /** Items the roster can staff. */
  budget: number;
  /** Items the shares asked for but the roster could not take (target − drawn). */
  shortfall: number;
  /** Drawn items left without inspectors. */
  unstaffed: number;
}

/** The plan a draw produces. */
export interface DrawResult {
  items: DrawItem[];
  counties: CountyDrawReport[];
  /** SHA-256 of the canonical item list: equal digests, equal plans. */
  digest: string;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The date `days` before an ISO date. */
function daysBefore(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) - days * 86400000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The canonical text of a plan's items, as hashed into its digest. */
export function canonicalItems(items: DrawItem[]): string {
  return items.map((i) => `${i.divisionCode},${i.creditCode},${i.classCode},${i.inspectorIds.join('+')}`).join('\n');
}

/** Computes a plan. Pure: same input, same plan. */
export function drawInspectionPlan(input: DrawInput): DrawResult {
  const { policy } = input;
  const k = policy.inspectorsPerItem;
  const recentFrom = daysBefore(input.planDate, policy.recentInspectionDays);
  const classes = policy.classes;

  const poolByCounty = new Map<string, PoolEntry[]>();
  for (const e of input.pool) {
    let list = poolByCounty.get(e.divisionCode);
    if (!list) poolByCounty.set(e.divisionCode, (list = []));
    list.push(e);
  }
  const rosterByCounty = new Map<string, RosterEntry[]>();
  for (const r of input.roster) {
    let list = rosterByCounty.get(r.divisionCode);
    if (!list) rosterByCounty.set(r.divisionCode, (list = []));
    list.push(r);
  }

  const items: DrawItem[] = [];
  const counties: CountyDrawReport[] = [];
  for (const county of [...poolByCounty.keys()].sort(byString)) {
    const pool = poolByCounty
      .get(county)!
      .slice()
      .sort((a, b) => byString(a.creditCode, b.creditCode));
    const roster = (rosterByCounty.get(county) ?? []).slice().sort((a, b) => byString(a.id, b.id));
    const zero = () => Object.fromEntries(classes.map((c) => [c.code, 0])) as Record<string, number>;
    const report: CountyDrawReport = {
      divisionCode: county,
      inClass: zero(),
      eligible: zero(),
      target: zero(),
      drawn: zero(),
      excludedAnnualCap: 0,
      excludedRecentInspection: 0,
      rosterSize: roster.length,
      capacity: 0,
      budget: 0,
      shortfall: 0,
      unstaffed: 0,
    };

    // 1–2: classes and exclusions
    const eligible = new Map<string, PoolEntry[]>(classes.map((c) => [c.code, []]));
    for (const e of pool) {
      const c = classOf(policy, e.riskLevel, e.creditLevel);
      if (!c) throw new Error(`policy ${policy.version} has no class for ${e.creditCode}`);
      report.inClass[c.code]++;
      if (c.sharePercent === 0) continue;
      if (e.routineDrawsThisYear >= policy.annualCap) {
        report.excludedAnnualCap++;
        continue;
      }
      if (e.lastInspectionDate !== null && e.lastInspectionDate > recentFrom) {
        report.excludedRecentInspection++;
        continue;
      }
      eligible.get(c.code)!.push(e);
    }

    // 3: targets by share
    for (const c of classes) {
      const n = eligible.get(c.code)!.length;
      report.eligible[c.code] = n;
      report.target[c.code] = Math.ceil((n * c.sharePercent) / 100);
    }

    // 4: capacity budget
    const capacities = roster.map((r) => Math.max(0, r.capacityPerQuarter));
    const S = capacities.reduce((a, b) => a + b, 0);
    const M = capacities.reduce((a, b) => Math.max(a, b), 0);
    const budget = k <= 1 ? S : Math.min(Math.floor(S / k), Math.floor((S - M) / (k - 1)));
    report.capacity = S;
    report.budget = budget;
    const counts: Record<string, number> = { ...report.target };
    const totalTarget = classes.reduce((a, c) => a + report.target[c.code], 0);
    if (totalTarget > budget) {
      const full = classes.filter((c) => c.sharePercent === 100);
      const others = classes.filter((c) => c.sharePercent < 100);
      const fullCount = full.reduce((a, c) => a + report.target[c.code], 0);
      const room = Math.max(0, budget - fullCount);
      const othersTarget = others.reduce((a, c) => a + report.target[c.code], 0);
      let given = 0;
      for (const c of others) {
        counts[c.code] = othersTarget === 0 ? 0 : Math.floor((report.target[c.code] * room) / othersTarget);
        given += counts[c.code];
      }
      // remainders one by one, most demanding class first, round after round
      while (given < room && others.some((c) => counts[c.code] < report.target[c.code])) {
        for (const c of others) {
          if (given >= room) break;
          if (counts[c.code] < report.target[c.code]) {
            counts[c.code]++;
            given++;
          }
        }
      }
    }

    // 5: enterprises by lot, per class
    const drawnHere: { entry: PoolEntry; classCode: string }[] = [];
    for (const c of classes) {
      const list = eligible.get(c.code)!.slice();
      const take = counts[c.code];
      const stream = new DrawStream(`${input.seed}|${input.quarter}|${county}|class|${c.code}`);
      for (let i = 0; i < take; i++) {
        const j = i + stream.nextInt(list.length - i);
        const t = list[i];
        list[i] = list[j];
        list[j] = t;
      }
      const chosen = list.slice(0, take).sort((a, b) => byString(a.creditCode, b.creditCode));
      for (const entry of chosen) drawnHere.push({ entry, classCode: c.code });
      report.drawn[c.code] = take;
    }
    report.shortfall = totalTarget - drawnHere.length;

    // 6: inspectors by lot
    const left = capacities.slice();
    const conflicts = roster.map((r) => new Set(r.conflicts));
    const stream = new DrawStream(`${input.seed}|${input.quarter}|${county}|inspectors`);
    for (const { entry, classCode } of drawnHere) {
      const previous = [...new Set(entry.previousInspectors)].sort(byString);
      const picked: number[] = [];
      for (let slot = 0; slot < k; slot++) {
        const candidates: number[] = [];
        for (let r = 0; r < roster.length; r++) {
          if (left[r] <= 0 || conflicts[r].has(entry.creditCode) || picked.includes(r)) continue;
          if (slot === k - 1 && previous.length === k) {
            const set = [...picked, r].map((x) => roster[x].id).sort(byString);
            if (set.every((id, x) => id === previous[x])) continue;
          }
          candidates.push(r);
        }
        if (candidates.length === 0) break;
        picked.push(candidates[stream.nextInt(candidates.length)]);
      }
      let inspectorIds: string[] = [];
      if (picked.length === k) {
        for (const r of picked) left[r]--;
        inspectorIds = picked.map((r) => roster[r].id);
      } else {
        report.unstaffed++;
      }
      items.push({ creditCode: entry.creditCode, divisionCode: county, classCode, inspectorIds });
    }
    counties.push(report);
  }
  return { items, counties, digest: sha256Hex(canonicalItems(items)) };
}

/** Where a recorded plan differs from its recomputation. */
export interface PlanDifference {
  /** 1-based position in the recorded list, null when the recomputation has an item the record lacks. */
  position: number | null;
  creditCode: string;
  reason: string;
}

/**
 * Compares a recorded item list with a recomputed one: empty when identical,
 * else each differing item (by credit code) and what differs.
 */
export function comparePlanItems(recorded: DrawItem[], recomputed: DrawItem[]): PlanDifference[] {
  const diffs: PlanDifference[] = [];
  const expected = new Map(recomputed.map((i) => [i.creditCode, i]));
  const seen = new Set<string>();
  recorded.forEach((item, idx) => {
    const want = expected.get(item.creditCode);
    seen.add(item.creditCode);
    if (!want) {
      diffs.push({ position: idx + 1, creditCode: item.creditCode, reason: 'not drawn by the recomputation' });
      return;
    }
    const parts: string[] = [];
    if (want.divisionCode !== item.divisionCode) parts.push(`county ${item.divisionCode} ≠ ${want.divisionCode}`);
    if (want.classCode !== item.classCode) parts.push(`class ${item.classCode} ≠ ${want.classCode}`);
    if (want.inspectorIds.join('+') !== item.inspectorIds.join('+'))
      parts.push(`inspectors ${item.inspectorIds.join('+') || 'none'} ≠ ${want.inspectorIds.join('+') || 'none'}`);
    if (parts.length) diffs.push({ position: idx + 1, creditCode: item.creditCode, reason: parts.join('; ') });
  });
  for (const i of recomputed)
    if (!seen.has(i.creditCode)) diffs.push({ position: null, creditCode: i.creditCode, reason: 'drawn by the recomputation but missing from the record' });
  if (diffs.length === 0 && canonicalItems(recorded) !== canonicalItems(recomputed))
    diffs.push({ position: null, creditCode: '', reason: 'same items in a different order' });
  return diffs;
}
