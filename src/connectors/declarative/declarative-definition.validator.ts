import cron from 'node-cron';
import { DECLARATIVE_TARGETS, DeclarativeConnectorDefinition, DeclarativeConnectorInputShape, DeclarativeFieldMapping, DeclarativeHeader, DeclarativePagination } from './declarative-definition.types';
import { ClientError } from '../../domain/client-error';

/** A declarative definition a steward submitted is invalid; every problem names its field. */
export class DeclarativeDefinitionError extends ClientError {
  constructor(readonly problems: string[]) {
    super(`invalid connector definition: ${problems.join('; ')}`);
    this.name = 'DeclarativeDefinitionError';
  }
}

/** The config key a secret header's value is stored under. */
export function headerConfigKey(name: string): string {
  return `header:${name}`;
}

const ID_RE = /^[a-z][a-z0-9-]{1,62}$/;
const PATH_RE = /^[A-Za-z_$][\w$]*(\.[\w$]+)*$/;
const HEADER_RE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Pairs `{from, to}` / `{name, value}` lists and plain objects both become a plain object. */
function toStringMap(v: unknown, field: string, keyName: string, valueName: string, problems: string[]): Record<string, string> {
  if (v === undefined || v === null) return {};
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    v.forEach((e, i) => {
      if (!isObj(e) || typeof e[keyName] !== 'string' || typeof e[valueName] !== 'string') {
        problems.push(`${field}[${i}] must be {${keyName}: string, ${valueName}: string}`);
        return;
      }
      if (e[keyName] as string in out) problems.push(`${field}[${i}].${keyName} '${e[keyName]}' appears twice`);
      out[e[keyName] as string] = e[valueName] as string;
    });
    return out;
  }
  if (isObj(v)) {
    for (const [k, val] of Object.entries(v)) {
      if (typeof val !== 'string') problems.push(`${field}.${k} must be a string`);
      else out[k] = val;
    }
    return out;
  }
  problems.push(`${field} must be an object or a list of {${keyName}, ${valueName}}`);
  return out;
}

function str(input: Obj, field: string, problems: string[], opts: { required?: boolean; re?: RegExp; hint?: string; max?: number } = {}): string | null {
  const v = input[field];
  if (v === undefined || v === null || v === '') {
    if (opts.required) problems.push(`${field} is required`);
    return null;
  }
  if (typeof v !== 'string') {
    problems.push(`${field} must be a string`);
    return null;
  }
  if (opts.max && v.length > opts.max) problems.push(`${field} is longer than ${opts.max} characters`);
  if (opts.re && !opts.re.test(v)) {
    problems.push(`${field} '${v}' ${opts.hint ?? 'is malformed'}`);
    return null;
  }
  return v;
}

function pagination(v: unknown, problems: string[]): DeclarativePagination {
  if (v === undefined || v === null) return { type: 'none' };
  if (!isObj(v)) {
    problems.push('pagination must be an object with a type (none, page or cursor)');
    return { type: 'none' };
  }
  const type = typeof v.type === 'string' ? v.type.toLowerCase() : v.type;
  const positive = (field: string, dflt: number | null): number | null => {
    const x = v[field];
    if (x === undefined || x === null) return dflt;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > 100_000) {
      problems.push(`pagination.${field} must be an integer from 1 to 100000`);
      return dflt;
    }
    return x;
  };
  const param = (field: string, dflt: string | null): string | null => {
    const x = v[field];
    if (x === undefined || x === null || x === '') return dflt;
    if (typeof x !== 'string' || !/^[\w.\-[\]]+$/.test(x)) {
      problems.push(`pagination.${field} must be a query parameter name`);
      return dflt;
    }
    return x;
  };
  const path = (field: string, dflt: string | null): string | null => {
    const x = v[field];
    if (x === undefined || x === null || x === '') return dflt;
    if (typeof x !== 'string' || !PATH_RE.test(x)) {
      problems.push(`pagination.${field} must be a dotted path into the response body, e.g. 'next_cursor' or 'meta.next'`);
      return dflt;
    }
    return x;
  };
  if (type === 'none') return { type: 'none' };
  if (type === 'page') {
    return { type: 'page', pageParam: param('pageParam', 'page')!, sizeParam: param('sizeParam', 'pageSize')!, size: positive('size', 100)!, firstPage: v.firstPage === 0 ? 0 : 1 };
  }
  if (type === 'cursor') {
    const nextCursorPath = path('nextCursorPath', null);
    if (!nextCursorPath) problems.push('pagination.nextCursorPath is required for cursor pagination');
    const sizeParam = param('sizeParam', null);
    return { type: 'cursor', cursorParam: param('cursorParam', 'cursor')!, nextCursorPath: nextCursorPath ?? '', hasMorePath: path('hasMorePath', null), sizeParam, size: sizeParam ? positive('size', 100) : null };
  }
  problems.push(`pagination.type must be none, page or cursor, got ${JSON.stringify(v.type)}`);
  return { type: 'none' };
}

/**
 * Checks a steward's connector description and turns it into a stored
 * definition plus the secret header values (kept apart, in the connector's
 * config). Throws {@link DeclarativeDefinitionError} listing every problem,
 * each naming its field (`fields[2].target`, `pagination.type`, …).
 */
export function validateDeclarativeInput(raw: unknown, opts: { reservedIds?: string[] } = {}): { definition: DeclarativeConnectorDefinition; secrets: Record<string, string> } {
  const problems: string[] = [];
  if (!isObj(raw)) throw new DeclarativeDefinitionError(['the definition must be a JSON object']);
  const input = raw as DeclarativeConnectorInputShape as Obj;
  const known = new Set(['id', 'title', 'owner', 'baseUrl', 'path', 'query', 'itemsPath', 'pagination', 'incremental', 'recordKind', 'fields', 'headers', 'schedule', 'enabled', 'version', '$schema', 'description']);
  for (const k of Object.keys(input)) if (!known.has(k)) problems.push(`${k} is not a field of a connector definition; valid: ${[...known].filter((x) => !x.startsWith('$') && x !== 'version').join(', ')}`);

  const id = str(input, 'id', problems, { required: true, re: ID_RE, hint: 'must be kebab-case: a lowercase letter, then 1–62 lowercase letters, digits or dashes' });
  if (id && opts.reservedIds?.includes(id)) problems.push(`id '${id}' belongs to a code connector; choose another id`);
  const title = str(input, 'title', problems, { required: true, max: 200 });
  const owner = str(input, 'owner', problems, { max: 200 });
  let baseUrl = str(input, 'baseUrl', problems);
  if (baseUrl) {
    try {
      const u = new URL(baseUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`baseUrl must use http or https, got '${u.protocol.replace(':', '')}'`);
      if (u.username || u.password) problems.push('baseUrl must not carry credentials; use a secret header');
      baseUrl = baseUrl.replace(/\/+$/, '');
    } catch {
      problems.push(`baseUrl is not a valid URL: '${baseUrl}'`);
    }
  }
  const path = str(input, 'path', problems, { required: true, re: /^\/[^\s?#]*$/, hint: 'must start with / and hold no spaces, query or fragment (use query for fixed parameters)' });
  const query = toStringMap(input.query, 'query', 'name', 'value', problems);
  let itemsPath = '';
  if (input.itemsPath !== undefined && input.itemsPath !== null && input.itemsPath !== '') {
    if (typeof input.itemsPath !== 'string' || !PATH_RE.test(input.itemsPath)) problems.push(`itemsPath must be a dotted path into the response body (e.g. 'items' or 'data.records'), or empty for a bare array`);
    else itemsPath = input.itemsPath;
  }
  const pag = pagination(input.pagination, problems);

  let incremental: DeclarativeConnectorDefinition['incremental'] = null;
  if (input.incremental !== undefined && input.incremental !== null) {
    const inc = input.incremental;
    if (!isObj(inc)) problems.push('incremental must be {field, param}');
    else {
      if (typeof inc.field !== 'string' || !PATH_RE.test(inc.field)) problems.push(`incremental.field must be a dotted path into a record, e.g. 'updatedAt'`);
      if (typeof inc.param !== 'string' || !/^[\w.\-[\]]+$/.test(inc.param)) problems.push(`incremental.param must be a query parameter name, e.g. 'updatedAfter'`);
      if (typeof inc.field === 'string' && typeof inc.param === 'string') incremental = { field: inc.field, param: inc.param };
    }
  }

  const kinds = Object.keys(DECLARATIVE_TARGETS);
  let recordKind: DeclarativeConnectorDefinition['recordKind'] | null = null;
  if (typeof input.recordKind !== 'string' || !kinds.includes(input.recordKind)) problems.push(`recordKind must be one of ${kinds.join(', ')}, got ${JSON.stringify(input.recordKind ?? null)}`);
  else recordKind = input.recordKind as DeclarativeConnectorDefinition['recordKind'];

  const fields: DeclarativeFieldMapping[] = [];
  if (!Array.isArray(input.fields) || input.fields.length === 0) problems.push('fields must be a non-empty list of {target, source, valueMap?}');
  else {
    const targets = recordKind ? DECLARATIVE_TARGETS[recordKind] : null;
    const allowed = targets ? [...targets.required, ...targets.optional] : [];
    const seen = new Set<string>();
    input.fields.forEach((f, i) => {
      if (!isObj(f)) { problems.push(`fields[${i}] must be {target, source, valueMap?}`); return; }
      const target = f.target;
      const source = f.source;
      if (typeof target !== 'string' || target === '') problems.push(`fields[${i}].target is required`);
      else if (targets && !allowed.includes(target)) problems.push(`fields[${i}].target '${target}' is not a field of ${recordKind}; valid: ${allowed.join(', ')}`);
      else if (seen.has(target)) problems.push(`fields[${i}].target '${target}' is mapped twice`);
      if (typeof source !== 'string' || !PATH_RE.test(source)) problems.push(`fields[${i}].source must be a dotted path into the source record, e.g. 'uscc'`);
      const valueMap = f.valueMap === undefined || f.valueMap === null ? undefined : toStringMap(f.valueMap, `fields[${i}].valueMap`, 'from', 'to', problems);
      if (typeof target === 'string') seen.add(target);
      if (typeof target === 'string' && typeof source === 'string') fields.push({ target, source, ...(valueMap && Object.keys(valueMap).length ? { valueMap } : {}) });
    });
    if (targets) for (const r of targets.required) if (!seen.has(r)) problems.push(`fields has no mapping for required ${recordKind} field '${r}'`);
  }

  const headers: DeclarativeHeader[] = [];
  const secrets: Record<string, string> = {};
  if (input.headers !== undefined && input.headers !== null) {
    if (!Array.isArray(input.headers)) problems.push('headers must be a list of {name, value, secret?}');
    else input.headers.forEach((h, i) => {
      if (!isObj(h) || typeof h.name !== 'string' || !HEADER_RE.test(h.name)) { problems.push(`headers[${i}].name must be an HTTP header name`); return; }
      if (FORBIDDEN_HEADERS.has(h.name.toLowerCase())) { problems.push(`headers[${i}].name '${h.name}' is set by the hub itself`); return; }
      if (typeof h.value !== 'string' || h.value === '') { problems.push(`headers[${i}].value is required`); return; }
      if (/[\r\n]/.test(h.value)) { problems.push(`headers[${i}].value must be one line`); return; }
      const secret = h.secret === true;
      if (secret) secrets[headerConfigKey(h.name)] = h.value;
      headers.push(secret ? { name: h.name, secret } : { name: h.name, value: h.value, secret });
    });
  }

  let schedule: string | null = null;
  if (input.schedule !== undefined && input.schedule !== null && input.schedule !== '') {
    if (typeof input.schedule !== 'string' || !cron.validate(input.schedule)) problems.push(`schedule ${JSON.stringify(input.schedule)} is not a cron expression (e.g. '0 3 * * *' or '*/30 * * * * *')`);
    else schedule = input.schedule;
  }
  if (input.enabled !== undefined && input.enabled !== null && typeof input.enabled !== 'boolean') problems.push('enabled must be true or false');

  if (problems.length) throw new DeclarativeDefinitionError(problems);
  return {
    definition: {
      version: 1, id: id!, title: title!, owner, baseUrl, path: path!, query, itemsPath, pagination: pag, incremental,
      recordKind: recordKind!, fields, headers, schedule, enabled: input.enabled !== false,
    },
    secrets,
  };
}
