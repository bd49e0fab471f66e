import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../config/project-root';
import { ClientError } from '../domain/client-error';
import { RiskThresholds } from '../domain/risk-band';
import { allowedList, boundedInt, parseOrThrow, uniqueField, versionName } from '../domain/zod-problems';
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

const familyOf = <F extends RuleFamily, S extends z.ZodRawShape>(family: F, shape: S) =>
  z.strictObject(
    { family: z.literal(family), ignoresWindow: z.boolean({ error: 'must be a boolean' }).optional(), ...shape },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? `does not apply to family ${family}` : undefined) },
  );
const hours = () => boundedInt(1, 24, 'must be an integer 1–24');
const amount = () => z.number({ error: 'must be a non-negative number' }).min(0, 'must be a non-negative number').optional();

/** A rule's trigger: its family first (named when unknown), then that family's parameters and nothing else. */
const triggerSchema = z
  .looseObject({ family: z.enum(RULE_FAMILIES, { error: `must be one of ${RULE_FAMILIES.join(', ')}` }) }, { error: 'must be an object with a family' })
  .pipe(
    z.discriminatedUnion('family', [
      familyOf('ENFORCEMENT', {
        statuses: allowedList(ENFORCEMENT_STATUSES),
        measureTypes: allowedList(MEASURE_TYPES).optional(),
        findings: allowedList(FINDINGS).optional(),
      }).refine((t) => t.measureTypes || t.findings, 'needs measureTypes or findings'),
      familyOf('PENALTY', {
        statuses: allowedList(PENALTY_STATUSES),
        amountFrom: amount(),
        amountBelow: amount(),
        dailyConsecutive: z.boolean({ error: 'must be a boolean' }).optional(),
      }).refine((t) => t.amountFrom === undefined || t.amountBelow === undefined || t.amountFrom < t.amountBelow, {
        message: 'must be below amountBelow',
        path: ['amountFrom'],
      }),
      familyOf('MONITORING_EXCEED', { minExceedHours: hours() }),
      familyOf('MONITORING_MISSING', { minValidHours: hours() }),
      familyOf('PERMIT_EXPIRED', { validStatuses: allowedList(PERMIT_STATUSES) }),
    ]),
  );

const ruleSchema = z.looseObject(
  {
    code: z.string({ error: 'must be UPPER_SNAKE_CASE' }).regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'must be UPPER_SNAKE_CASE'),
    points: boundedInt(0, Number.MAX_SAFE_INTEGER, 'must be a non-negative integer'),
    description: z.string({ error: 'is required' }).refine((v) => v.trim() !== '', 'is required'),
    trigger: triggerSchema,
  },
  { error: 'must be an object' },
);

/** The schema of a rule-set document; {@link validateRuleSet} reports its problems by field path. */
export const ruleSetSchema = z.looseObject(
  {
    version: versionName(),
    title: z.string({ error: 'must be a string' }).optional(),
    fullMarks: boundedInt(1, Number.MAX_SAFE_INTEGER, 'must be a positive integer'),
    windowDays: boundedInt(1, Number.MAX_SAFE_INTEGER, 'must be a positive integer'),
    riskThresholds: z
      .looseObject({ low: z.int({ error: 'must be an integer' }), medium: z.int({ error: 'must be an integer' }) }, { error: 'must be {low, medium} integers' })
      .superRefine((t, ctx) => {
        if (t.medium > t.low) ctx.addIssue({ code: 'custom', path: ['medium'], message: `(${t.medium}) must not exceed riskThresholds.low (${t.low})` });
      }),
    rules: z
      .array(ruleSchema, { error: 'must be a non-empty array' })
      .min(1, 'must be a non-empty array')
      .check(uniqueField('code', (code) => `${code} is used twice`)),
  },
  { error: 'a rule set must be a JSON object' },
);

/**
 * Checks a rule-set definition (from a file or a client) and returns it typed;
 * throws {@link RuleSetValidationError} listing every problem found, each
 * named by its field path (`rules[3].points must be a non-negative integer`).
 */
export function validateRuleSet(input: unknown): RuleSetDefinition {
  return parseOrThrow(ruleSetSchema, input, (problems) => new RuleSetValidationError(`invalid rule set: ${problems.join('; ')}`)) as RuleSetDefinition;
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
