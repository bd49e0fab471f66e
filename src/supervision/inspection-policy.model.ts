import { ClientError } from '../domain/client-error';

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

/**
 * Checks a policy document and returns it normalised (classes most demanding
 * first, ties by code). Every combination of risk level and credit rating
 * (or none) must fall in some class.
 */
export function validateInspectionPolicy(input: unknown): InspectionPolicy {
  if (!input || typeof input !== 'object' || Array.isArray(input)) fail('a policy is a JSON object');
  const p = input as Record<string, unknown>;
  if (typeof p.version !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(p.version)) fail('version must be a short name of letters, digits, . _ -');
  if (!Array.isArray(p.classes) || p.classes.length === 0) fail('classes must be a non-empty array');
  const int = (v: unknown, name: string, min: number, max: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`${name} must be an integer in [${min}, ${max}]`);
    return v;
  };
  const codes = new Set<string>();
  const classes = (p.classes as unknown[]).map((c, i): InspectionClass => {
    if (!c || typeof c !== 'object') fail(`classes[${i}] must be an object`);
    const k = c as Record<string, unknown>;
    if (typeof k.code !== 'string' || !/^[A-Z0-9]{1,8}$/.test(k.code)) fail(`classes[${i}].code must be 1–8 capital letters or digits`);
    if (codes.has(k.code)) fail(`class code ${k.code} appears twice`);
    codes.add(k.code);
    const risks = Array.isArray(k.riskLevels) ? k.riskLevels : fail(`classes[${i}].riskLevels must be an array`);
    const credits = Array.isArray(k.creditLevels) ? k.creditLevels : fail(`classes[${i}].creditLevels must be an array`);
    for (const r of risks) if (!RISK_LEVELS.includes(r)) fail(`classes[${i}].riskLevels: unknown risk level ${JSON.stringify(r)}`);
    for (const r of credits) if (!CREDIT_LEVELS.includes(r)) fail(`classes[${i}].creditLevels: unknown credit level ${JSON.stringify(r)}`);
    return {
      code: k.code,
      label: typeof k.label === 'string' ? k.label : k.code,
      sharePercent: int(k.sharePercent, `classes[${i}].sharePercent`, 0, 100),
      riskLevels: [...risks].sort() as RiskLevelCode[],
      creditLevels: [...credits].sort() as CreditLevelCode[],
      unrated: k.unrated === true,
    };
  });
  classes.sort((a, b) => b.sharePercent - a.sharePercent || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const policy: InspectionPolicy = {
    version: p.version,
    title: typeof p.title === 'string' ? p.title : p.version,
    classes,
    annualCap: int(p.annualCap, 'annualCap', 0, 366),
    recentInspectionDays: int(p.recentInspectionDays, 'recentInspectionDays', 0, 366),
    inspectorsPerItem: int(p.inspectorsPerItem, 'inspectorsPerItem', 1, 10),
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
