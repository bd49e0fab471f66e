import { z } from 'zod';
import { ClientError } from '../domain/client-error';
import { boundedInt, parseOrThrow, uniqueField, versionName } from '../domain/zod-problems';

/** The risk levels the score assigns. */
export const RISK_LEVELS = ['LOW', 'MEDIUM', 'HIGH'] as const;
/** The credit ratings (环保信用评价) the credit connector brings. */
export const CREDIT_LEVELS = ['green', 'blue', 'yellow', 'red', 'black'] as const;
export type RiskLevelCode = (typeof RISK_LEVELS)[number];
export type CreditLevelCode = (typeof CREDIT_LEVELS)[number];

/**
 * One class of enterprise in a random-inspection policy. An enterprise is in
 * the class when its risk level is one of `riskLevels`, or its credit rating is
 * one of `creditLevels`, or it has no rating and `unrated` is true.
 */
export interface InspectionClass {
  code: string;
  label: string;
  /** Share of the class's eligible enterprises drawn per quarter, 0–100 (rounded up to whole enterprises). */
  sharePercent: number;
  riskLevels: RiskLevelCode[];
  creditLevels: CreditLevelCode[];
  unrated: boolean;
}

/**
 * A random-inspection policy (the data file `policies/SD-INSPECT-2021.json` is
 * the default). Versioned like a rule set: a version, once loaded, never changes.
 */
export interface InspectionPolicy {
  version: string;
  title: string;
  /** Any order; an enterprise belongs to the most demanding class (highest share) that applies. */
  classes: InspectionClass[];
  /** At most this many routine (plan) inspections per enterprise per calendar year. */
  annualCap: number;
  /** An enterprise inspected within this many days before the plan date is not drawn. */
  recentInspectionDays: number;
  /** Distinct inspectors per drawn enterprise (the law asks for at least two). */
  inspectorsPerItem: number;
}

/** A policy document that cannot be used. */
export class InspectionPolicyError extends ClientError {}

function fail(msg: string): never {
  throw new InspectionPolicyError(msg, { argument: 'definition' });
}

const levels = <T extends string>(allowed: readonly T[], what: string) =>
  z.array(z.enum(allowed, { error: (iss) => `is not a ${what} (${allowed.join(', ')}): ${JSON.stringify(iss.input)}` }), { error: 'must be an array' });
const int = (min: number, max: number) => boundedInt(min, max, `must be an integer in [${min}, ${max}]`);

const classSchema = z.object(
  {
    code: z.string({ error: 'must be 1–8 capital letters or digits' }).regex(/^[A-Z0-9]{1,8}$/, 'must be 1–8 capital letters or digits'),
    label: z.string({ error: 'must be a string' }).optional(),
    sharePercent: int(0, 100),
    riskLevels: levels(RISK_LEVELS, 'risk level'),
    creditLevels: levels(CREDIT_LEVELS, 'credit level'),
    unrated: z.boolean({ error: 'must be true or false' }).optional(),
  },
  { error: 'must be an object' },
);

/** The schema of a policy document; {@link validateInspectionPolicy} reports its problems by field path. */
export const inspectionPolicySchema = z.object(
  {
    version: versionName('must be a short name of letters, digits, . _ -'),
    title: z.string({ error: 'must be a string' }).optional(),
    classes: z
      .array(classSchema, { error: 'must be a non-empty array' })
      .min(1, 'must be a non-empty array')
      .check(uniqueField('code', (code) => `${code} appears twice`)),
    annualCap: int(0, 366),
    recentInspectionDays: int(0, 366),
    inspectorsPerItem: int(1, 10),
  },
  { error: 'a policy is a JSON object' },
);

/**
 * Checks a policy document and returns it normalised (classes most demanding
 * first, ties by code). Every problem names its field (`classes[1].sharePercent
 * must be an integer in [0, 100]`). Every combination of risk level and credit
 * rating (or none) must fall in some class.
 */
export function validateInspectionPolicy(input: unknown): InspectionPolicy {
  const p = parseOrThrow(inspectionPolicySchema, input, (problems) => new InspectionPolicyError(problems.join('; '), { argument: 'definition' }));
  const classes = p.classes.map((k): InspectionClass => ({
    code: k.code,
    label: k.label ?? k.code,
    sharePercent: k.sharePercent,
    riskLevels: [...k.riskLevels].sort(),
    creditLevels: [...k.creditLevels].sort(),
    unrated: k.unrated === true,
  }));
  classes.sort((a, b) => b.sharePercent - a.sharePercent || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const policy: InspectionPolicy = {
    version: p.version,
    title: p.title ?? p.version,
    classes,
    annualCap: p.annualCap,
    recentInspectionDays: p.recentInspectionDays,
    inspectorsPerItem: p.inspectorsPerItem,
  };
  for (const risk of RISK_LEVELS) {
    for (const credit of [...CREDIT_LEVELS, null]) {
      if (!classOf(policy, risk, credit)) fail(`no class takes an enterprise of risk ${risk} with credit ${credit ?? 'none'}`);
    }
  }
  return policy;
}

/** The most demanding class of the policy that applies to an enterprise (classes are kept most demanding first). */
export function classOf(policy: InspectionPolicy, risk: string, credit: string | null): InspectionClass | undefined {
  for (const c of policy.classes) {
    if ((c.riskLevels as string[]).includes(risk)) return c;
    if (credit === null ? c.unrated : (c.creditLevels as string[]).includes(credit)) return c;
  }
  return undefined;
}
