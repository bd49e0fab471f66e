import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config/project-root';
import { z } from 'zod';
import { ClientError } from '../domain/client-error';
import { parseOrThrow, versionName } from '../domain/zod-problems';
import { WARNING_SEVERITIES, WARNING_TYPES, WarningSeverity, WarningType } from '../domain/vocabulary';

/**
 * The parameters of one detector: the severity of a warning it raises, the
 * severity once the condition passes its escalation threshold, and the
 * detector's numbers (days, points, factors). Messages and the reasons a
 * condition cleared are written from these same numbers.
 */
export interface DetectorParameters {
  severity: WarningSeverity;
  escalatedSeverity?: WarningSeverity;
}

/**
 * The numbers of each detector (domain.md §6), with their bounds; a
 * definition must give exactly these per type.
 *
 * - `RISK_UP`: `freshDays` — a worsening older than this opens no warning (it keeps an open one open);
 *   escalated when the new level is HIGH.
 * - `SCORE_DROP`: the score fell by `points` or more below its highest of the last `windowDays`; escalated at `escalateAtPoints`.
 * - `EXCEED_TREND`: per outlet and pollutant, exceedance days in the last `windowDays` ≥ `minDays` and ≥ `growthFactor` × those
 *   of the `windowDays` before; escalated at `escalateAtDays`.
 * - `DATA_GAP`: an outlet reported nothing for `wholeDays` whole days or more; escalated at `escalateAtDays`; with `silentHours`
 *   (optional), also when the outlet's bound HJ 212 device sent nothing for that many hours.
 * - `PERMIT_EXPIRING`: a valid permit ends within `withinDays` with no later valid permit; escalated within `escalateWithinDays`.
 * - `FORECAST_HIGH`: a least-squares line through the daily scores of the last `historyDays` reaches HIGH within `horizonDays`.
 * - `REALTIME_EXCEED`: the `hours` latest hourly values of an outlet and pollutant are consecutive, valid and above the limit;
 *   opened only while the latest is at most `freshHours` old; escalated when it is `escalateAtRatio` × the limit or more.
 *
 * A number marked `optional` may be left out (its part of the condition is then not checked). A type
 * of {@link OPTIONAL_DETECTOR_TYPES} may be left out of a set (it then neither raises nor clears).
 */
export const DETECTOR_NUMBERS = {
  RISK_UP: { freshDays: { min: 1, max: 3650, integer: true } },
  SCORE_DROP: {
    points: { min: 1, max: 1000, integer: true },
    windowDays: { min: 1, max: 3650, integer: true },
    escalateAtPoints: { min: 1, max: 10000, integer: true },
  },
  EXCEED_TREND: {
    windowDays: { min: 1, max: 365, integer: true },
    minDays: { min: 1, max: 365, integer: true },
    growthFactor: { min: 0, max: 100, integer: false },
    escalateAtDays: { min: 1, max: 365, integer: true },
  },
  DATA_GAP: {
    wholeDays: { min: 1, max: 365, integer: true },
    escalateAtDays: { min: 1, max: 3650, integer: true },
    silentHours: { min: 1, max: 720, integer: true, optional: true },
  },
  PERMIT_EXPIRING: { withinDays: { min: 0, max: 3650, integer: true }, escalateWithinDays: { min: 0, max: 3650, integer: true } },
  FORECAST_HIGH: { historyDays: { min: 2, max: 3650, integer: true }, horizonDays: { min: 1, max: 3650, integer: true } },
  REALTIME_EXCEED: {
    hours: { min: 1, max: 48, integer: true },
    freshHours: { min: 1, max: 720, integer: true },
    escalateAtRatio: { min: 1, max: 100, integer: false },
  },
} as const satisfies Record<WarningType, Record<string, NumberBound>>;

interface NumberBound {
  min: number;
  max: number;
  integer: boolean;
  optional?: boolean;
}

/** Types added after parameter sets were first written: a set may leave them out (SD-WARN-2021 predates REALTIME_EXCEED). */
export const OPTIONAL_DETECTOR_TYPES: readonly WarningType[] = ['REALTIME_EXCEED'];

type Numbers<T extends WarningType> = (typeof DETECTOR_NUMBERS)[T];
type RequiredKeys<T extends WarningType> = { [K in keyof Numbers<T>]: Numbers<T>[K] extends { optional: true } ? never : K }[keyof Numbers<T>];
type OptionalKeys<T extends WarningType> = Exclude<keyof Numbers<T>, RequiredKeys<T>>;

/** The parameters of every detector type: severities plus its numbers of {@link DETECTOR_NUMBERS}. */
export type DetectorParameterMap = {
  [T in WarningType]: DetectorParameters & { [K in RequiredKeys<T>]: number } & { [K in OptionalKeys<T>]?: number };
};

/** A versioned set of warning parameters, as stored in `src/warnings/warning-parameters/*.json` and in `warning_parameter_set`. */
export interface WarningParameterSetDefinition {
  version: string;
  title?: string;
  detectors: DetectorParameterMap;
}

/** The version the hub ships and activates on a database that has none. */
export const DEFAULT_WARNING_PARAMETERS_VERSION = 'SD-WARN-2026';

/** Thrown for an invalid parameter set; the message lists every problem. */
export class WarningParameterValidationError extends ClientError {}

const severity = () => z.enum(WARNING_SEVERITIES, { error: `must be one of ${WARNING_SEVERITIES.join(', ')}` });

/** One detector's parameters: its severities and exactly its numbers of {@link DETECTOR_NUMBERS}, each within bounds. */
function detectorSchema(type: WarningType) {
  const numbers = Object.entries(DETECTOR_NUMBERS[type] as Record<string, NumberBound>).map(([k, b]) => {
    const message = `must be ${b.integer ? 'an integer' : 'a number'} from ${b.min} to ${b.max}`;
    const n = z.number({ error: message }).refine((v) => (!b.integer || Number.isInteger(v)) && v >= b.min && v <= b.max, message);
    return [k, b.optional ? n.optional() : n] as const;
  });
  const schema = z.strictObject(
    { severity: severity(), escalatedSeverity: severity().optional(), ...Object.fromEntries(numbers) },
    {
      error: (iss) => (iss.code === 'unrecognized_keys' ? `is not a parameter of ${type}` : iss.input === undefined ? 'is required' : 'must be an object'),
    },
  );
  return OPTIONAL_DETECTOR_TYPES.includes(type) ? schema.optional() : schema;
}

/** The schema of a parameter-set document; {@link validateWarningParameters} reports its problems by field path. */
export const warningParameterSetSchema = z.looseObject(
  {
    version: versionName(),
    title: z.string({ error: 'must be a string' }).optional(),
    detectors: z.strictObject(Object.fromEntries(WARNING_TYPES.map((t) => [t, detectorSchema(t)])), {
      error: (iss) =>
        iss.code === 'unrecognized_keys' ? `is not a warning type (${WARNING_TYPES.join(', ')})` : 'must be an object with one entry per warning type',
    }),
  },
  { error: 'a warning parameter set must be a JSON object' },
);

/**
 * Checks a parameter-set document (from a file or a client) and returns it
 * typed; throws {@link WarningParameterValidationError} listing every problem,
 * each named by its field path (`detectors.SCORE_DROP.points must be an
 * integer from 1 to 1000`). The one place the document's shape is checked.
 */
export function validateWarningParameters(input: unknown): WarningParameterSetDefinition {
  return parseOrThrow(
    warningParameterSetSchema,
    input,
    (problems) => new WarningParameterValidationError(`invalid warning parameters: ${problems.join('; ')}`),
  ) as unknown as WarningParameterSetDefinition;
}

/** Folder of the parameter sets the hub ships. */
export function bundledWarningParametersDir(): string {
  return path.join(projectRoot(), 'src', 'warnings', 'warning-parameters');
}

/** The repository's copy of a bundled parameter set (`src/warnings/warning-parameters/<version>.json`). */
export function readBundledWarningParameters(version = DEFAULT_WARNING_PARAMETERS_VERSION): WarningParameterSetDefinition {
  return validateWarningParameters(JSON.parse(fs.readFileSync(path.join(bundledWarningParametersDir(), `${version}.json`), 'utf8')));
}
