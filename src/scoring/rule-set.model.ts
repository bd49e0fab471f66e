import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config/project-root';
import { ClientError } from '../domain/client-error';
import { RiskThresholds } from '../domain/risk-band';
import { ENFORCEMENT_STATUSES, FINDINGS, MEASURE_TYPES, PENALTY_STATUSES, PERMIT_STATUSES, RULE_FAMILIES, RuleFamily } from '../domain/vocabulary';

/**
 * The families of triggers the scoring engine knows. A rule set chooses, per
 * rule, a family and its parameters (statuses, measure types, amount band,
 * hours); points, window and thresholds are data too. Adding a rule of an
 * existing family is a new rule-set version, not a release.
 *
 * - `ENFORCEMENT`: an enforcement record with one of `statuses`, that is a
 *   MEASURE of one of `measureTypes` or an INSPECTION with one of `findings`;
 *   dated at its measure / inspection date.
 * - `PENALTY`: a penalty case with one of `statuses`, `amountFrom ≤ amount <
 *   amountBelow` (either bound optional) and, when given, the
 *   daily-consecutive flag; dated at its decision date.
 * - `MONITORING_EXCEED`: a monitoring day (outlet, pollutant, date) with
 *   `exceedHours ≥ minExceedHours`.
 * - `MONITORING_MISSING`: an outlet-day, from the outlet's first to its last
 *   reported date, with no row or every row under `minValidHours` valid hours.
 * - `PERMIT_EXPIRED`: the enterprise holds permits and none has one of
 *   `validStatuses` with `validFrom ≤ asOf ≤ validTo`; dated at the latest
 *   `validTo`; counted once.
 */

/** The trigger of a rule: its family and that family's parameters. */
export interface RuleTrigger {
  family: RuleFamily;
  statuses?: string[];
  measureTypes?: string[];
  findings?: string[];
  amountFrom?: number;
  amountBelow?: number;
  dailyConsecutive?: boolean;
  minExceedHours?: number;
  minValidHours?: number;
  validStatuses?: string[];
  /** Counts whatever the rolling window (PERMIT_EXPIRED in SD-2021). */
  ignoresWindow?: boolean;
}

/** One scoring rule: points deducted per occurrence of its trigger. */
export interface RuleDefinition {
  code: string;
  points: number;
  description: string;
  trigger: RuleTrigger;
}

/** A versioned rule set, as stored in the repository (`rule-sets/*.json`) and in the `rule_set` table. */
export interface RuleSetDefinition {
  version: string;
  title?: string;
  /** Full marks (100). */
  fullMarks: number;
  /** Rolling window in days: an event on day d counts at asOf when asOf − windowDays < d ≤ asOf. */
  windowDays: number;
  /** LOW for score ≥ low, MEDIUM for medium ≤ score < low, HIGH below medium (the bands of `src/domain/risk-band.ts`). */
  riskThresholds: RiskThresholds;
  rules: RuleDefinition[];
}

/** The version seeded by the migrations and active on a new hub. */
export const DEFAULT_RULE_SET_VERSION = 'SD-2021';

/** Thrown for an invalid rule-set definition; the message lists every problem. */
export class RuleSetValidationError extends ClientError {}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function checkList(problems: string[], where: string, value: unknown, allowed: readonly string[], required: boolean): void {
  if (value === undefined) {
    if (required) problems.push(`${where} is required`);
    return;
  }
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string')) {
    problems.push(`${where} must be a non-empty array of strings`);
    return;
  }
  const bad = value.filter((v) => !allowed.includes(v));
  if (bad.length) problems.push(`${where} has unknown value(s) ${bad.join(', ')}; allowed: ${allowed.join(', ')}`);
}

/**
 * Checks a rule-set definition (from a file or a client) and returns it typed;
 * throws {@link RuleSetValidationError} listing every problem found.
 */
export function validateRuleSet(input: unknown): RuleSetDefinition {
  const problems: string[] = [];
  const d = input as Partial<RuleSetDefinition> | null;
  if (!d || typeof d !== 'object') throw new RuleSetValidationError('a rule set must be a JSON object');
  if (typeof d.version !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(d.version))
    problems.push('version must be 1–64 letters, digits, ".", "_" or "-"');
  if (!isInt(d.fullMarks) || d.fullMarks <= 0) problems.push('fullMarks must be a positive integer');
  if (!isInt(d.windowDays) || d.windowDays <= 0) problems.push('windowDays must be a positive integer');
  const t = d.riskThresholds;
  if (!t || !isInt(t.low) || !isInt(t.medium)) problems.push('riskThresholds must be {low, medium} integers');
  else if (t.medium > t.low) problems.push(`riskThresholds.medium (${t.medium}) must not exceed riskThresholds.low (${t.low})`);
  if (!Array.isArray(d.rules) || d.rules.length === 0) problems.push('rules must be a non-empty array');
  const seen = new Set<string>();
  (Array.isArray(d.rules) ? d.rules : []).forEach((r, i) => {
    const at = `rules[${i}]${r && typeof r.code === 'string' ? ` (${r.code})` : ''}`;
    if (!r || typeof r !== 'object') return void problems.push(`${at} must be an object`);
    if (typeof r.code !== 'string' || !/^[A-Z][A-Z0-9_]{1,63}$/.test(r.code)) problems.push(`${at}.code must be UPPER_SNAKE_CASE`);
    else if (seen.has(r.code)) problems.push(`${at}.code is used twice`);
    else seen.add(r.code);
    if (!isInt(r.points) || r.points < 0) problems.push(`${at}.points must be a non-negative integer`);
    if (typeof r.description !== 'string' || !r.description.trim()) problems.push(`${at}.description is required`);
    const tr = r.trigger as RuleTrigger | undefined;
    if (!tr || !RULE_FAMILIES.includes(tr.family)) return void problems.push(`${at}.trigger.family must be one of ${RULE_FAMILIES.join(', ')}`);
    const known: Record<RuleFamily, string[]> = {
      ENFORCEMENT: ['statuses', 'measureTypes', 'findings'],
      PENALTY: ['statuses', 'amountFrom', 'amountBelow', 'dailyConsecutive'],
      MONITORING_EXCEED: ['minExceedHours'],
      MONITORING_MISSING: ['minValidHours'],
      PERMIT_EXPIRED: ['validStatuses'],
    };
    for (const k of Object.keys(tr)) {
      if (k !== 'family' && k !== 'ignoresWindow' && !known[tr.family].includes(k)) problems.push(`${at}.trigger.${k} does not apply to family ${tr.family}`);
    }
    if (tr.ignoresWindow !== undefined && typeof tr.ignoresWindow !== 'boolean') problems.push(`${at}.trigger.ignoresWindow must be a boolean`);
    switch (tr.family) {
      case 'ENFORCEMENT':
        checkList(problems, `${at}.trigger.statuses`, tr.statuses, ENFORCEMENT_STATUSES, true);
        checkList(problems, `${at}.trigger.measureTypes`, tr.measureTypes, MEASURE_TYPES, false);
        checkList(problems, `${at}.trigger.findings`, tr.findings, FINDINGS, false);
        if (!tr.measureTypes && !tr.findings) problems.push(`${at}.trigger needs measureTypes or findings`);
        break;
      case 'PENALTY':
        checkList(problems, `${at}.trigger.statuses`, tr.statuses, PENALTY_STATUSES, true);
        for (const k of ['amountFrom', 'amountBelow'] as const) {
          if (tr[k] !== undefined && (typeof tr[k] !== 'number' || !Number.isFinite(tr[k]) || (tr[k] as number) < 0))
            problems.push(`${at}.trigger.${k} must be a non-negative number`);
        }
        if (typeof tr.amountFrom === 'number' && typeof tr.amountBelow === 'number' && tr.amountFrom >= tr.amountBelow)
          problems.push(`${at}.trigger.amountFrom must be below amountBelow`);
        if (tr.dailyConsecutive !== undefined && typeof tr.dailyConsecutive !== 'boolean') problems.push(`${at}.trigger.dailyConsecutive must be a boolean`);
        break;
      case 'MONITORING_EXCEED':
        if (!isInt(tr.minExceedHours) || tr.minExceedHours < 1 || tr.minExceedHours > 24) problems.push(`${at}.trigger.minExceedHours must be an integer 1–24`);
        break;
      case 'MONITORING_MISSING':
        if (!isInt(tr.minValidHours) || tr.minValidHours < 1 || tr.minValidHours > 24) problems.push(`${at}.trigger.minValidHours must be an integer 1–24`);
        break;
      case 'PERMIT_EXPIRED':
        checkList(problems, `${at}.trigger.validStatuses`, tr.validStatuses, PERMIT_STATUSES, true);
        break;
    }
  });
  if (problems.length) throw new RuleSetValidationError(`invalid rule set: ${problems.join('; ')}`);
  return d as RuleSetDefinition;
}

const bundledDir = () => path.join(projectRoot(), 'src', 'scoring', 'rule-sets');

/** The repository's copy of a bundled rule set (`src/scoring/rule-sets/<version>.json`). */
export function readBundledRuleSet(version = DEFAULT_RULE_SET_VERSION): RuleSetDefinition {
  return validateRuleSet(JSON.parse(fs.readFileSync(path.join(bundledDir(), `${version}.json`), 'utf8')));
}

/** The versions of the rule sets the hub ships, by file name. */
export function bundledRuleSetVersions(): string[] {
  return fs
    .readdirSync(bundledDir())
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}
