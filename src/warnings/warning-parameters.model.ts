import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config/project-root';
import { ClientError } from '../domain/client-error';
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

/**
 * Checks a parameter-set document (from a file or a client) and returns it
 * typed; throws {@link WarningParameterValidationError} listing every problem.
 * The one place the document's shape is checked.
 */
export function validateWarningParameters(input: unknown): WarningParameterSetDefinition {
  const problems: string[] = [];
  const d = input as Partial<WarningParameterSetDefinition> | null;
  if (!d || typeof d !== 'object') throw new WarningParameterValidationError('a warning parameter set must be a JSON object');
  if (typeof d.version !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(d.version))
    problems.push('version must be 1–64 letters, digits, ".", "_" or "-"');
  if (d.title !== undefined && typeof d.title !== 'string') problems.push('title must be a string');
  const detectors = (d.detectors ?? {}) as Record<string, Record<string, unknown>>;
  if (!d.detectors || typeof d.detectors !== 'object') problems.push('detectors must be an object with one entry per warning type');
  for (const k of Object.keys(detectors))
    if (!(WARNING_TYPES as string[]).includes(k)) problems.push(`detectors.${k} is not a warning type (${WARNING_TYPES.join(', ')})`);
  for (const type of WARNING_TYPES) {
    const p = detectors[type];
    const at = `detectors.${type}`;
    if (p === undefined && OPTIONAL_DETECTOR_TYPES.includes(type)) continue;
    if (!p || typeof p !== 'object') {
      problems.push(`${at} is required`);
      continue;
    }
    const numbers = DETECTOR_NUMBERS[type] as Record<string, NumberBound>;
    if (!(WARNING_SEVERITIES as readonly unknown[]).includes(p.severity)) problems.push(`${at}.severity must be one of ${WARNING_SEVERITIES.join(', ')}`);
    if (p.escalatedSeverity !== undefined && !(WARNING_SEVERITIES as readonly unknown[]).includes(p.escalatedSeverity)) {
      problems.push(`${at}.escalatedSeverity must be one of ${WARNING_SEVERITIES.join(', ')}`);
    }
    for (const k of Object.keys(p))
      if (k !== 'severity' && k !== 'escalatedSeverity' && !(k in numbers)) problems.push(`${at}.${k} is not a parameter of ${type}`);
    for (const [k, b] of Object.entries(numbers)) {
      const v = p[k];
      if (v === undefined && b.optional) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || (b.integer && !Number.isInteger(v)) || v < b.min || v > b.max) {
        problems.push(`${at}.${k} must be ${b.integer ? 'an integer' : 'a number'} from ${b.min} to ${b.max}`);
      }
    }
  }
  if (problems.length) throw new WarningParameterValidationError(`invalid warning parameters: ${problems.join('; ')}`);
  return d as WarningParameterSetDefinition;
}

/** Folder of the parameter sets the hub ships. */
export function bundledWarningParametersDir(): string {
  return path.join(projectRoot(), 'src', 'warnings', 'warning-parameters');
}

/** The repository's copy of a bundled parameter set (`src/warnings/warning-parameters/<version>.json`). */
export function readBundledWarningParameters(version = DEFAULT_WARNING_PARAMETERS_VERSION): WarningParameterSetDefinition {
  return validateWarningParameters(JSON.parse(fs.readFileSync(path.join(bundledWarningParametersDir(), `${version}.json`), 'utf8')));
}
