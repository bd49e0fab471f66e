import { isCalendarDate } from '../domain/china-date';
import { creditCodeProblem } from '../domain/credit-code';
import {
  AIR_SOURCES,
  BASINS,
  CREDIT_LEVELS,
  ENFORCEMENT_KINDS,
  ENFORCEMENT_STATUSES,
  FINDINGS,
  MANAGEMENT_CLASSES,
  MEASURE_TYPES,
  MONITORING_FACILITIES,
  PENALTY_STATUSES,
  PERMIT_STATUSES,
  POLLUTION_TYPES,
  SUPERVISION_LEVELS,
} from '../domain/vocabulary';
import { INDEXED_TEXT_MAX_BYTES, RecordDescriptor, fieldOf } from './record-descriptors';
import { RECORD_KINDS, UnifiedRecord } from '../connectors/unified-record';

/** What the validator needs to know about the world: the division codes that exist. */
export interface ValidationContext {
  divisionCodes: ReadonlySet<string>;
}

const ENUMS = {
  supervisionLevel: SUPERVISION_LEVELS,
  managementClass: MANAGEMENT_CLASSES,
  basin: BASINS,
  pollutionTypes: POLLUTION_TYPES,
  airSources: AIR_SOURCES,
  monitoringFacilities: MONITORING_FACILITIES,
  permitStatus: PERMIT_STATUSES,
  enforcementKind: ENFORCEMENT_KINDS,
  finding: FINDINGS,
  measureType: MEASURE_TYPES,
  enforcementStatus: ENFORCEMENT_STATUSES,
  penaltyStatus: PENALTY_STATUSES,
  ratingLevel: CREDIT_LEVELS,
} as const;

/** The largest amount `penalty.amount` (numeric(16, 2)) holds, in whole yuan (doubles carry no exact cents up there). */
export const PENALTY_AMOUNT_MAX = 99_999_999_999_999;

/** True when `s` is an ISO 8601 date-time with a zone (Z or ±hh:mm). */
export function isZonedDateTime(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return false;
  return isCalendarDate(s.slice(0, 10)) && !Number.isNaN(Date.parse(s));
}

class Problems {
  readonly list: string[] = [];
  add(p: string) {
    this.list.push(p);
  }
  required(field: string, v: unknown): boolean {
    if (v === undefined || v === null || v === '') {
      this.add(`missing required field '${field}'`);
      return false;
    }
    return true;
  }
  string(field: string, v: unknown, required = true) {
    if (!required && (v === undefined || v === null)) return;
    if (!this.required(field, v)) return;
    if (typeof v !== 'string') this.add(`field '${field}' must be a string, got ${typeof v} ${JSON.stringify(v)}`);
  }
  date(field: string, v: unknown) {
    if (!this.required(field, v)) return;
    if (!isCalendarDate(v)) this.add(`field '${field}' is not a real date (YYYY-MM-DD): ${JSON.stringify(v)}`);
  }
  dateTime(field: string, v: unknown, required = true) {
    if (!required && (v === undefined || v === null)) return;
    if (!this.required(field, v)) return;
    if (!isZonedDateTime(v)) this.add(`field '${field}' is not an ISO 8601 time with zone: ${JSON.stringify(v)}`);
  }
  number(field: string, v: unknown, opts: { required?: boolean; min?: number; max?: number; integer?: boolean } = {}) {
    if (opts.required === false && (v === undefined || v === null)) return;
    if (!this.required(field, v)) return;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.add(`field '${field}' must be a number, got ${typeof v} ${JSON.stringify(v)}`);
      return;
    }
    if (opts.integer && !Number.isInteger(v)) this.add(`field '${field}' must be a whole number, got ${v}`);
    if (opts.min !== undefined && v < opts.min) this.add(`field '${field}' must be at least ${opts.min}, got ${v}`);
    if (opts.max !== undefined && v > opts.max) this.add(`field '${field}' must be at most ${opts.max}, got ${v}`);
  }
  oneOf(field: string, v: unknown, allowed: readonly string[], required = true) {
    if (!required && (v === undefined || v === null)) return;
    if (!this.required(field, v)) return;
    if (typeof v !== 'string' || !allowed.includes(v)) this.add(`field '${field}' must be one of ${allowed.join('|')}, got ${JSON.stringify(v)}`);
  }
  listOf(field: string, v: unknown, allowed: readonly string[]) {
    if (!Array.isArray(v)) {
      this.add(`field '${field}' must be a list, got ${typeof v}`);
      return;
    }
    for (const x of v)
      if (typeof x !== 'string' || !allowed.includes(x)) this.add(`field '${field}' has ${JSON.stringify(x)}, not one of ${allowed.join('|')}`);
  }
  boolean(field: string, v: unknown) {
    if (!this.required(field, v)) return;
    if (typeof v !== 'boolean') this.add(`field '${field}' must be true or false, got ${JSON.stringify(v)}`);
  }
}

/** Credit codes already found valid (a sync validates the same few thousand codes for millions of monitoring rows). */
const VALID_CODES = new Set<string>();
const VALID_CODES_MAX = 100_000;

/** `creditCodeProblem`, remembering the codes found valid (a bounded set, emptied when full). */
function codeProblemOf(code: unknown): string | null {
  if (typeof code === 'string' && VALID_CODES.has(code)) return null;
  const problem = creditCodeProblem(code);
  if (problem === null) {
    if (VALID_CODES.size >= VALID_CODES_MAX) VALID_CODES.clear();
    VALID_CODES.add(code as string);
  }
  return problem;
}

/**
 * Checks a unified record against the domain's rules (credit code check
 * character, real dates, enumerations, numbers, known division). Returns the
 * problems, each naming its field; an empty list means the record is good.
 */
export function validateRecord(rec: UnifiedRecord, ctx: ValidationContext): string[] {
  const p = new Problems();
  if (!RECORD_KINDS.includes(rec?.kind)) return [`unknown record kind ${JSON.stringify(rec?.kind)}`];
  const codeProblem = codeProblemOf(rec.creditCode);
  if (codeProblem) p.add(codeProblem);
  if (typeof rec.sourceId !== 'string' || rec.sourceId === '') p.add('missing source id');
  const d = rec.data as unknown as Record<string, unknown>;
  if (!d || typeof d !== 'object') return [...p.list, 'record has no data'];
  switch (rec.kind) {
    case 'enterprise': {
      p.string('name', d.name);
      if (p.required('divisionCode', d.divisionCode)) {
        if (typeof d.divisionCode !== 'string' || !ctx.divisionCodes.has(d.divisionCode))
          p.add(`field 'divisionCode' is not a known division code: ${JSON.stringify(d.divisionCode)}`);
      }
      p.string('address', d.address, false);
      p.string('registrationNo', d.registrationNo, false);
      p.number('longitude', d.longitude, { required: false, min: -180, max: 180 });
      p.number('latitude', d.latitude, { required: false, min: -90, max: 90 });
      p.string('industryCode', d.industryCode, false);
      p.oneOf('supervisionLevel', d.supervisionLevel, ENUMS.supervisionLevel, false);
      p.oneOf('managementClass', d.managementClass, ENUMS.managementClass, false);
      p.oneOf('basin', d.basin, ENUMS.basin, false);
      p.listOf('pollutionTypes', d.pollutionTypes, ENUMS.pollutionTypes);
      p.listOf('airSources', d.airSources, ENUMS.airSources);
      p.listOf('monitoringFacilities', d.monitoringFacilities, ENUMS.monitoringFacilities);
      p.dateTime('updatedAt', d.updatedAt, false);
      if (!Array.isArray(d.permits)) p.add(`field 'permits' must be a list`);
      else
        (d.permits as Record<string, unknown>[]).forEach((permit, i) => {
          if (!permit || typeof permit !== 'object') {
            p.add(`permits[${i}] must be an object`);
            return;
          }
          p.string(`permits[${i}].permitNo`, permit.permitNo);
          p.date(`permits[${i}].validFrom`, permit.validFrom);
          p.date(`permits[${i}].validTo`, permit.validTo);
          p.oneOf(`permits[${i}].status`, permit.status, ENUMS.permitStatus);
          if (isCalendarDate(permit.validFrom) && isCalendarDate(permit.validTo) && permit.validFrom > permit.validTo) {
            p.add(`permits[${i}] is valid from ${permit.validFrom} after it ends on ${permit.validTo}`);
          }
        });
      break;
    }
    case 'enforcement': {
      p.string('recordId', d.recordId);
      p.oneOf('kind', d.kind, ENUMS.enforcementKind);
      p.date('date', d.date);
      p.oneOf('status', d.status, ENUMS.enforcementStatus);
      p.dateTime('modifiedAt', d.modifiedAt);
      if (d.kind === 'INSPECTION') p.oneOf('finding', d.finding, ENUMS.finding);
      if (d.kind === 'MEASURE') p.oneOf('measureType', d.measureType, ENUMS.measureType);
      break;
    }
    case 'penalty': {
      p.string('caseNo', d.caseNo);
      p.date('decisionDate', d.decisionDate);
      p.number('amount', d.amount, { min: 0, max: PENALTY_AMOUNT_MAX });
      p.boolean('dailyConsecutive', d.dailyConsecutive);
      p.oneOf('status', d.status, ENUMS.penaltyStatus);
      p.dateTime('modifiedAt', d.modifiedAt);
      break;
    }
    case 'monitoring': {
      p.string('outletCode', d.outletCode);
      p.string('pollutantCode', d.pollutantCode);
      p.date('date', d.date);
      p.number('validHours', d.validHours, { min: 0, max: 24, integer: true });
      p.number('exceedHours', d.exceedHours, { min: 0, max: 24, integer: true });
      p.number('dailyMean', d.dailyMean, { required: false });
      p.number('limit', d.limit, { required: false });
      p.string('unit', d.unit, false);
      break;
    }
    case 'rating': {
      p.oneOf('level', d.level, ENUMS.ratingLevel);
      p.date('ratedOn', d.ratedOn);
      p.dateTime('updatedAt', d.updatedAt, false);
      break;
    }
  }
  return p.list;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A NUL or any surrogate: text without one is storable, decided by one scan without look-around. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL text cannot hold
const MAYBE_UNSTORABLE = /[\u0000\uD800-\uDFFF]/;

/**
 * Why PostgreSQL cannot store the text `s`, or null: text there holds any
 * Unicode scalar value except NUL; a lone surrogate (half of a UTF-16 pair)
 * is no character at all and cannot be written as UTF-8 or in jsonb.
 */
export function unstorableText(s: string): string | null {
  if (!MAYBE_UNSTORABLE.test(s)) return null;
  if (s.includes('\u0000')) return 'contains a NUL character (U+0000), which the store cannot hold';
  const m = LONE_SURROGATE.exec(s);
  if (m) return `contains a lone surrogate (U+${m[0].charCodeAt(0).toString(16).toUpperCase()}) at character ${m.index}, which is not a character`;
  return null;
}

function checkText(problems: string[], field: string, v: unknown, maxBytes?: number): void {
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'string') checkText(problems, field, x, maxBytes);
    return;
  }
  if (typeof v !== 'string') return;
  const why = unstorableText(v);
  if (why) problems.push(`field '${field}' ${why}`);
  else if (maxBytes !== undefined && v.length > maxBytes / 3) {
    const bytes = Buffer.byteLength(v, 'utf8');
    if (bytes > maxBytes) problems.push(`field '${field}' is ${bytes} bytes in UTF-8; the store's index holds at most ${maxBytes}`);
  }
}

/** Paths (`a.b[2]`, keys included) of the strings of a raw payload the store cannot hold, with why. */
function payloadProblems(raw: unknown, path: string, out: string[]): void {
  if (out.length >= 5) return;
  if (typeof raw === 'string') {
    const why = unstorableText(raw);
    if (why) out.push(`payload field '${path || '(the payload)'}' ${why}`);
  } else if (Array.isArray(raw)) {
    raw.forEach((x, i) => payloadProblems(x, `${path}[${i}]`, out));
  } else if (raw && typeof raw === 'object') {
    for (const [k, x] of Object.entries(raw)) {
      const why = unstorableText(k);
      if (why) out.push(`payload key ${JSON.stringify(k)} ${why}`);
      payloadProblems(x, path ? `${path}.${k}` : k, out);
    }
  }
}

/**
 * Checks what the store cannot hold, after the domain's rules passed: text
 * with NUL or a lone surrogate in the typed row, its children or the raw
 * payload (kept as jsonb), and indexed text longer in UTF-8 bytes than its
 * index allows (the descriptor's `maxBytes`, the source id included). Each
 * problem names the field. `rawJson` is the payload as `JSON.stringify`
 * wrote it, which escapes exactly these characters (`\u0000`, `\udxxx`), so
 * clean payloads are recognised without walking them.
 */
export function storageProblems(
  d: RecordDescriptor,
  sourceId: string,
  row: Record<string, unknown>,
  childRows: Record<string, unknown>[] | undefined,
  raw: unknown,
  rawJson: string | undefined,
): string[] {
  const problems: string[] = [];
  checkText(problems, 'sourceId', sourceId, INDEXED_TEXT_MAX_BYTES.identifier);
  for (const c of d.columns) checkText(problems, fieldOf(c), row[c.name], c.maxBytes);
  if (d.children && childRows) {
    childRows.forEach((child, i) => {
      for (const c of d.children!.columns) {
        if (c.name === d.children!.parentColumn) continue;
        checkText(problems, `${d.children!.field}[${i}].${fieldOf(c)}`, child[c.name], c.maxBytes);
      }
    });
  }
  if (rawJson !== undefined && (rawJson.includes('\\u0000') || /\\ud[89a-f]/i.test(rawJson))) payloadProblems(raw, '', problems);
  return problems;
}

/** `s` with what the store cannot hold replaced by U+FFFD (for quarantining a refused record's payload). */
export function storableText(s: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL text cannot hold
  return unstorableText(s) === null ? s : s.replace(/\u0000/g, '\uFFFD').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
}

/** A deep copy of `raw` with every string (keys included) made storable; `raw` itself when nothing needs it. */
export function storablePayload(raw: unknown): unknown {
  if (typeof raw === 'string') return storableText(raw);
  if (Array.isArray(raw)) return raw.map(storablePayload);
  if (raw && typeof raw === 'object') return Object.fromEntries(Object.entries(raw).map(([k, v]) => [storableText(k), storablePayload(v)]));
  return raw;
}
