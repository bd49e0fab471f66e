import { DrawInput, DrawItem, DrawResult, PlanDifference, comparePlanItems, drawInspectionPlan } from './inspection-draw';
import { validateInspectionPolicy } from './inspection-policy.model';

/** Format tag of a plan's published export. */
export const PLAN_EXPORT_FORMAT = 'hub-inspection-plan/1';

/**
 * A plan's published export: everything needed to recompute it (policy,
 * seed, quarter, plan date, pool and roster as drawn — inspectors by id and
 * capacity only, no names) and the drawn items. `hub plan verify --file`
 * needs nothing else.
 */
export interface PlanExport {
  format: typeof PLAN_EXPORT_FORMAT;
  plan: { id: string; quarter: string; divisionCode: string; seed: string; planDate: string; policyVersion: string; replaces: string | null; digest: string };
  input: Omit<DrawInput, 'quarter' | 'seed' | 'planDate'>;
  items: DrawItem[];
}

/** What a verification found. */
export interface PlanVerification {
  identical: boolean;
  items: number;
  recomputedDigest: string;
  recordedDigest: string;
  differences: PlanDifference[];
}

/** Recomputes a draw and compares it with the recorded items. */
export function verifyDraw(input: DrawInput, recorded: DrawItem[], recordedDigest: string): PlanVerification & { result: DrawResult } {
  const result = drawInspectionPlan(input);
  const differences = comparePlanItems(recorded, result.items);
  return {
    identical: differences.length === 0 && result.digest === recordedDigest,
    items: recorded.length,
    recomputedDigest: result.digest,
    recordedDigest,
    differences,
    result,
  };
}

/** Verifies a published export on its own (no database). */
export function verifyPlanExport(doc: unknown): PlanVerification {
  const d = doc as PlanExport;
  if (!d || d.format !== PLAN_EXPORT_FORMAT) throw new Error(`not a plan export (format ${PLAN_EXPORT_FORMAT} expected)`);
  const policy = validateInspectionPolicy(d.input.policy);
  const input: DrawInput = { policy, quarter: d.plan.quarter, seed: d.plan.seed, planDate: d.plan.planDate, pool: d.input.pool, roster: d.input.roster };
  const { result: _result, ...v } = verifyDraw(input, d.items, d.plan.digest);
  void _result;
  return v;
}

/** The verification in the words `hub plan verify` prints. */
export function describeVerification(v: PlanVerification, what: string): string[] {
  if (v.identical) return [`${what}: identical — ${v.items} item(s) recomputed from the inputs, digest ${v.recomputedDigest}`];
  const lines = [
    `${what}: DIFFERS — ${v.differences.length} item(s) differ from the recomputation (recorded digest ${v.recordedDigest}, recomputed ${v.recomputedDigest})`,
  ];
  for (const d of v.differences.slice(0, 20)) lines.push(`  ${d.position === null ? 'missing' : `item ${d.position}`} ${d.creditCode}: ${d.reason}`);
  if (v.differences.length > 20) lines.push(`  … and ${v.differences.length - 20} more`);
  return lines;
}
