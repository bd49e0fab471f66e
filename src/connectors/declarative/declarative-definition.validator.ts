import cron from 'node-cron';
import { z } from 'zod';
import {
  DECLARATIVE_TARGETS,
  DeclarativeConnectorDefinition,
  DeclarativeFieldMapping,
  DeclarativeHeader,
  DeclarativePagination,
} from './declarative-definition.types';
import { ClientError } from '../../domain/client-error';
import { problemsOf } from '../../domain/zod-problems';

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
const PARAM_RE = /^[\w.\-[\]]+$/;
const HEADER_RE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);
const KNOWN_FIELDS = [
  'id',
  'title',
  'owner',
  'baseUrl',
  'path',
  'query',
  'itemsPath',
  'pagination',
  'incremental',
  'recordKind',
  'fields',
  'headers',
  'schedule',
  'enabled',
  'version',
  '$schema',
  'description',
];
const RECORD_KINDS = Object.keys(DECLARATIVE_TARGETS) as DeclarativeConnectorDefinition['recordKind'][];

/** null and '' count as left out, so a default applies. */
const blankToUndefined = (v: unknown) => (v === null || v === '' ? undefined : v);
const optional = <T extends z.ZodType>(s: T) => z.preprocess(blankToUndefined, s.optional());
const required = <T extends z.ZodType>(s: T) => z.preprocess(blankToUndefined, s);

/** A string; `is required` when left out, `must be a string` otherwise. */
const text = () => z.string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') });
const quoted = (hint: string) => ({ error: (iss: { input?: unknown }) => `'${String(iss.input)}' ${hint}` });

const paramName = (hint = '') => z.string({ error: `must be a query parameter name${hint}` }).regex(PARAM_RE, `must be a query parameter name${hint}`);
const bodyPath = (hint: string) => z.string({ error: hint }).regex(PATH_RE, hint);

/** `{from, to}` / `{name, value}` pair lists and plain objects both become a plain object. */
function stringMap(keyName: string, valueName: string) {
  const shape = `must be an object or a list of {${keyName}, ${valueName}}`;
  const pair = z.object({ [keyName]: z.string(), [valueName]: z.string() }, { error: `must be {${keyName}: string, ${valueName}: string}` });
  const list = z.array(z.unknown()).transform((items, ctx) => {
    const out: Record<string, string> = {};
    items.forEach((e, i) => {
      const p = pair.safeParse(e);
      if (!p.success) {
        ctx.addIssue({ code: 'custom', path: [i], message: `must be {${keyName}: string, ${valueName}: string}` });
        return;
      }
      const k = p.data[keyName] as string;
      if (k in out) ctx.addIssue({ code: 'custom', path: [i, keyName], message: `'${k}' appears twice` });
      out[k] = p.data[valueName] as string;
    });
    return out;
  });
  const record = z.record(z.string(), z.string({ error: 'must be a string' }));
  return z.preprocess((v) => (v === null ? undefined : v), z.union([list, record], { error: shape }).optional()).transform((v) => v ?? {});
}

const pagination = z
  .preprocess(
    (v) =>
      v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string'
        ? { ...v, type: (v as { type: string }).type.toLowerCase() }
        : (v ?? undefined),
    z
      .discriminatedUnion(
        'type',
        [
          z.object({ type: z.literal('none') }),
          z.object({
            type: z.literal('page'),
            pageParam: optional(paramName()).transform((v) => v ?? 'page'),
            sizeParam: optional(paramName()).transform((v) => v ?? 'pageSize'),
            size: optional(
              z
                .int({ error: 'must be an integer from 1 to 100000' })
                .min(1, 'must be an integer from 1 to 100000')
                .max(100_000, 'must be an integer from 1 to 100000'),
            ).transform((v) => v ?? 100),
            firstPage: z.unknown().transform((v) => (v === 0 ? 0 : 1)),
          }),
          z.object({
            type: z.literal('cursor'),
            cursorParam: optional(paramName()).transform((v) => v ?? 'cursor'),
            nextCursorPath: required(bodyPath(`must be a dotted path into the response body, e.g. 'next_cursor' or 'meta.next'`).optional()).refine(
              (v) => v !== undefined,
              'is required for cursor pagination',
            ),
            hasMorePath: optional(bodyPath(`must be a dotted path into the response body, e.g. 'next_cursor' or 'meta.next'`)).transform((v) => v ?? null),
            sizeParam: optional(paramName()).transform((v) => v ?? null),
            size: optional(
              z
                .int({ error: 'must be an integer from 1 to 100000' })
                .min(1, 'must be an integer from 1 to 100000')
                .max(100_000, 'must be an integer from 1 to 100000'),
            ),
          }),
        ],
        {
          error: (iss) =>
            iss.input && typeof iss.input === 'object' && !Array.isArray(iss.input)
              ? { message: `must be none, page or cursor, got ${JSON.stringify((iss.input as { type?: unknown }).type ?? null)}` }
              : 'must be an object with a type (none, page or cursor)',
        },
      )
      .optional(),
  )
  .transform((p): DeclarativePagination => {
    if (!p || p.type === 'none') return { type: 'none' };
    if (p.type === 'page') return p;
    return {
      type: 'cursor',
      cursorParam: p.cursorParam,
      nextCursorPath: p.nextCursorPath ?? '',
      hasMorePath: p.hasMorePath,
      sizeParam: p.sizeParam,
      size: p.sizeParam ? (p.size ?? 100) : null,
    };
  });

const field = z.object(
  {
    target: z.string({ error: 'is required' }).min(1, 'is required'),
    source: z
      .string({ error: `must be a dotted path into the source record, e.g. 'uscc'` })
      .regex(PATH_RE, `must be a dotted path into the source record, e.g. 'uscc'`),
    valueMap: stringMap('from', 'to'),
  },
  { error: 'must be {target, source, valueMap?}' },
);

const header = z.object(
  {
    name: z
      .string({ error: 'must be an HTTP header name' })
      .regex(HEADER_RE, 'must be an HTTP header name')
      .refine((n) => !FORBIDDEN_HEADERS.has(n.toLowerCase()), { error: (iss) => `'${String(iss.input)}' is set by the hub itself`, abort: true }),
    value: z
      .string({ error: 'is required' })
      .min(1, 'is required')
      .regex(/^[^\r\n]*$/, 'must be one line'),
    secret: z.unknown().transform((v) => v === true),
  },
  { error: 'must be {name, value, secret?}' },
);

/**
 * The shape of what a steward submits (a GraphQL input or a JSON file): each
 * field on its own. The checks that relate fields (targets of the record kind,
 * required targets, ids of code connectors) follow in `validateDeclarativeInput`.
 */
export const declarativeInputSchema = z.looseObject(
  {
    id: required(text().regex(ID_RE, quoted('must be kebab-case: a lowercase letter, then 1–62 lowercase letters, digits or dashes'))),
    title: required(text().max(200, 'is longer than 200 characters')),
    owner: optional(text().max(200, 'is longer than 200 characters')).transform((v) => v ?? null),
    baseUrl: optional(
      text().superRefine((v, ctx) => {
        let u: URL;
        try {
          u = new URL(v);
        } catch {
          ctx.addIssue({ code: 'custom', message: `is not a valid URL: '${v}'` });
          return;
        }
        if (u.protocol !== 'http:' && u.protocol !== 'https:')
          ctx.addIssue({ code: 'custom', message: `must use http or https, got '${u.protocol.replace(':', '')}'` });
        if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'must not carry credentials; use a secret header' });
      }),
    ).transform((v) => (v ? v.replace(/\/+$/, '') : null)),
    path: required(text().regex(/^\/[^\s?#]*$/, quoted('must start with / and hold no spaces, query or fragment (use query for fixed parameters)'))),
    query: stringMap('name', 'value'),
    itemsPath: optional(bodyPath(`must be a dotted path into the response body (e.g. 'items' or 'data.records'), or empty for a bare array`)).transform(
      (v) => v ?? '',
    ),
    pagination,
    incremental: z
      .preprocess(
        (v) => v ?? undefined,
        z
          .object(
            {
              field: bodyPath(`must be a dotted path into a record, e.g. 'updatedAt'`),
              param: paramName(`, e.g. 'updatedAfter'`),
            },
            { error: 'must be {field, param}' },
          )
          .optional(),
      )
      .transform((v) => v ?? null),
    recordKind: z.enum(RECORD_KINDS, { error: (iss) => `must be one of ${RECORD_KINDS.join(', ')}, got ${JSON.stringify(iss.input ?? null)}` }),
    fields: z
      .array(z.unknown(), { error: 'must be a non-empty list of {target, source, valueMap?}' })
      .min(1, 'must be a non-empty list of {target, source, valueMap?}'),
    headers: z.preprocess((v) => v ?? undefined, z.array(header, { error: 'must be a list of {name, value, secret?}' }).optional()).transform((v) => v ?? []),
    schedule: optional(z.string().refine((s) => cron.validate(s))).transform((v) => v ?? null),
    enabled: z.preprocess((v) => v ?? undefined, z.boolean({ error: 'must be true or false' }).optional()).transform((v) => v !== false),
  },
  { error: 'the definition must be a JSON object' },
);

/** A bad schedule's message quotes the value as given. */
function scheduleProblem(raw: Record<string, unknown>): string {
  return `schedule ${JSON.stringify(raw.schedule)} is not a cron expression (e.g. '0 3 * * *' or '*/30 * * * * *')`;
}

/**
 * Checks a steward's connector description and turns it into a stored
 * definition plus the secret header values (kept apart, in the connector's
 * config). Throws {@link DeclarativeDefinitionError} listing every problem,
 * each naming its field (`fields[2].target`, `pagination.type`, …).
 */
export function validateDeclarativeInput(
  raw: unknown,
  opts: { reservedIds?: string[] } = {},
): { definition: DeclarativeConnectorDefinition; secrets: Record<string, string> } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new DeclarativeDefinitionError(['the definition must be a JSON object']);
  const input = raw as Record<string, unknown>;
  const parsed = declarativeInputSchema.safeParse(input);
  const problems = parsed.success ? [] : problemsOf(parsed.error, { schedule: () => scheduleProblem(input) });

  // Checks across fields, on the input as given (so they report even when another field is bad).
  const valid = KNOWN_FIELDS.filter((x) => !x.startsWith('$') && x !== 'version').join(', ');
  for (const k of Object.keys(input)) if (!KNOWN_FIELDS.includes(k)) problems.push(`${k} is not a field of a connector definition; valid: ${valid}`);
  if (typeof input.id === 'string' && opts.reservedIds?.includes(input.id)) problems.push(`id '${input.id}' belongs to a code connector; choose another id`);
  const recordKind = RECORD_KINDS.includes(input.recordKind as never) ? (input.recordKind as DeclarativeConnectorDefinition['recordKind']) : null;
  const fields: DeclarativeFieldMapping[] = [];
  if (Array.isArray(input.fields)) {
    const targets = recordKind ? DECLARATIVE_TARGETS[recordKind] : null;
    const allowed = targets ? [...targets.required, ...targets.optional] : [];
    const seen = new Set<string>();
    input.fields.forEach((f, i) => {
      const p = field.safeParse(f);
      const target = f && typeof f === 'object' ? (f as { target?: unknown }).target : undefined;
      if (!p.success) problems.push(...problemsOf(p.error, {}, `fields[${i}]`));
      if (typeof target === 'string' && target !== '') {
        if (targets && !allowed.includes(target))
          problems.push(`fields[${i}].target '${target}' is not a field of ${recordKind}; valid: ${allowed.join(', ')}`);
        else if (seen.has(target)) problems.push(`fields[${i}].target '${target}' is mapped twice`);
        seen.add(target);
      }
      if (p.success)
        fields.push({ target: p.data.target, source: p.data.source, ...(Object.keys(p.data.valueMap).length ? { valueMap: p.data.valueMap } : {}) });
    });
    if (targets && input.fields.length)
      for (const r of targets.required) if (!seen.has(r)) problems.push(`fields has no mapping for required ${recordKind} field '${r}'`);
  }

  if (problems.length || !parsed.success) throw new DeclarativeDefinitionError(problems);
  const d = parsed.data;
  const headers: DeclarativeHeader[] = [];
  const secrets: Record<string, string> = {};
  for (const h of d.headers) {
    if (h.secret) secrets[headerConfigKey(h.name)] = h.value;
    headers.push(h.secret ? { name: h.name, secret: true } : { name: h.name, value: h.value, secret: false });
  }
  return {
    definition: {
      version: 1,
      id: d.id,
      title: d.title,
      owner: d.owner,
      baseUrl: d.baseUrl,
      path: d.path,
      query: d.query,
      itemsPath: d.itemsPath,
      pagination: d.pagination,
      incremental: d.incremental,
      recordKind: d.recordKind,
      fields,
      headers,
      schedule: d.schedule,
      enabled: d.enabled,
    },
    secrets,
  };
}
