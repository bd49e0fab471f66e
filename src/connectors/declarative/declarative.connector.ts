import { ConfigField, ConnectorConfig, FetchContext, FetchedPage, MappingError, SourceConnector } from '../connector.types';
import { IDENTITY_TARGETS, UnifiedRecord } from '../unified-record';
import { DECLARATIVE_TARGETS, DeclarativeConnectorDefinition } from './declarative-definition.types';
import { headerConfigKey } from './declarative-definition.validator';

/** Records stored per transaction when an unpaged answer is large. */
const NONE_CHUNK = 5000;

/** What a declarative connector commits after each page. */
export interface DeclarativeCursor {
  /** Highest incremental value of a fully walked listing; sent as the incremental parameter. */
  watermark: string | null;
  /** Highest incremental value seen in the listing being walked (not yet complete). */
  pending?: string | null;
  /** Next page number of an unfinished page walk. */
  page?: number;
  /** Next cursor token of an unfinished cursor walk. */
  token?: string;
}

/** The value at a dotted path (`a.b.0.c`) of a JSON value, or undefined. */
export function valueAt(obj: unknown, path: string): unknown {
  if (path === '') return obj;
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function laterOf(a: string | null, b: unknown): string | null {
  if (typeof b !== 'string' || b === '') return a;
  if (a === null) return b;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return tb > ta ? b : a;
  return b > a ? b : a;
}

/**
 * Maps one source record with a declarative field mapping. Pure. A value
 * outside a field's value map, or a missing identity field, raises a
 * {@link MappingError} naming the unified field and its source path.
 */
export function mapDeclarativeRecord(def: DeclarativeConnectorDefinition, native: unknown): UnifiedRecord {
  if (!native || typeof native !== 'object' || Array.isArray(native)) throw new MappingError('record is not a JSON object');
  const values: Record<string, unknown> = {};
  for (const f of def.fields) {
    let v = valueAt(native, f.source);
    if (f.valueMap) {
      const key = v === undefined || v === null ? undefined : String(v);
      if (key === undefined) throw new MappingError(`field '${f.target}' (source '${f.source}') is missing`);
      if (!(key in f.valueMap) || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) {
        throw new MappingError(
          `field '${f.target}' (source '${f.source}') has ${JSON.stringify(v)}, not one of the mapped values ${Object.keys(f.valueMap).join('|')}`,
        );
      }
      v = f.valueMap[key];
    }
    values[f.target] = v;
  }
  const idParts = DECLARATIVE_TARGETS[def.recordKind].sourceId.map((t) => {
    const v = values[t];
    if (typeof v !== 'string' || v === '')
      throw new MappingError(
        `field '${t}' (source '${def.fields.find((f) => f.target === t)?.source}') is missing or not a string: ${JSON.stringify(v ?? null)}`,
      );
    return v;
  });
  const { creditCode, ...data } = values;
  // Identity fields (enterprise name, organisation code, permit number …) go to the record's identity, not its data.
  const identity: Record<string, unknown> = {};
  for (const [target, field] of Object.entries(IDENTITY_TARGETS)) {
    if (!(target in data)) continue;
    const v = data[target];
    delete data[target];
    if (typeof v === 'string' && v.trim() !== '') identity[field] = v;
  }
  return {
    kind: def.recordKind,
    creditCode: creditCode as string,
    sourceId: idParts.join('/'),
    data,
    ...(Object.keys(identity).length ? { identity } : {}),
  } as unknown as UnifiedRecord;
}

function headersOf(def: DeclarativeConnectorDefinition, config: ConnectorConfig): Record<string, string> {
  const out: Record<string, string> = { accept: 'application/json' };
  for (const h of def.headers) {
    const v = h.secret ? config[headerConfigKey(h.name)] : h.value;
    if (typeof v === 'string' && v !== '') out[h.name] = v;
  }
  return out;
}

async function getBody(ctx: FetchContext, def: DeclarativeConnectorDefinition, params: Record<string, unknown>): Promise<unknown> {
  return ctx.http.getJson<unknown>(`${ctx.baseUrl}${def.path}`, { ...def.query, ...params }, headersOf(def, ctx.config));
}

function itemsOf(def: DeclarativeConnectorDefinition, body: unknown): unknown[] {
  const items = valueAt(body, def.itemsPath);
  if (!Array.isArray(items))
    throw new Error(`${def.id}: the response has no array at ${def.itemsPath ? `'${def.itemsPath}'` : 'its top level'} (check itemsPath)`);
  return items;
}

/**
 * Walks a declarative source: one request, page numbers or an opaque cursor,
 * filtered by the incremental watermark. The watermark moves only when a
 * listing was walked to its end; an unfinished walk resumes at its page or token.
 */
async function* fetchDeclarative(def: DeclarativeConnectorDefinition, ctx: FetchContext): AsyncIterable<FetchedPage> {
  const cur = (ctx.cursor ?? { watermark: null }) as DeclarativeCursor;
  const watermark = cur.watermark ?? null;
  let pending = cur.pending ?? watermark;
  const base: Record<string, unknown> = {};
  if (def.incremental && watermark) base[def.incremental.param] = watermark;
  const track = (items: unknown[]) => {
    if (def.incremental) for (const it of items) pending = laterOf(pending, valueAt(it, def.incremental.field));
  };
  const p = def.pagination;
  if (p.type === 'none' && def.itemsPath === '') {
    // A bare array: read it as it arrives, one chunk behind, so the last chunk carries the new watermark.
    const batches = ctx.http.streamJsonArray(
      { method: 'GET', url: `${ctx.baseUrl}${def.path}`, params: { ...def.query, ...base }, headers: headersOf(def, ctx.config) },
      NONE_CHUNK,
    );
    let held: unknown[] | undefined;
    for await (const batch of batches) {
      track(batch);
      if (held) yield { items: held, cursor: { watermark } satisfies DeclarativeCursor };
      held = batch;
    }
    yield { items: held ?? [], cursor: { watermark: pending } satisfies DeclarativeCursor };
    return;
  }
  if (p.type === 'none') {
    const items = itemsOf(def, await getBody(ctx, def, base));
    track(items);
    // One answer may hold a whole province: store it in chunks, moving the watermark with the last one.
    for (let i = 0; i < items.length || i === 0; i += NONE_CHUNK) {
      const last = i + NONE_CHUNK >= items.length;
      yield { items: items.slice(i, i + NONE_CHUNK), cursor: { watermark: last ? pending : watermark } satisfies DeclarativeCursor };
    }
    return;
  }
  if (p.type === 'page') {
    for (let page = cur.page ?? p.firstPage; ; page++) {
      const items = itemsOf(def, await getBody(ctx, def, { ...base, [p.pageParam]: page, [p.sizeParam]: p.size }));
      track(items);
      const done = items.length < p.size;
      yield { items, cursor: (done ? { watermark: pending } : { watermark, pending, page: page + 1 }) satisfies DeclarativeCursor };
      if (done) return;
    }
  }
  let token: string | undefined = cur.token;
  for (;;) {
    const params: Record<string, unknown> = { ...base };
    if (token) params[p.cursorParam] = token;
    if (p.sizeParam && p.size) params[p.sizeParam] = p.size;
    const body = await getBody(ctx, def, params);
    const items = itemsOf(def, body);
    track(items);
    const next = valueAt(body, p.nextCursorPath);
    const more = p.hasMorePath ? valueAt(body, p.hasMorePath) === true : true;
    const done = !more || typeof next !== 'string' || next === '' || next === token;
    yield { items, cursor: (done ? { watermark: pending } : { watermark, pending, token: next as string }) satisfies DeclarativeCursor };
    if (done) return;
    token = next as string;
  }
}

/** The manifest of a declarative connector: its base URL and one secret config field per secret header. */
function manifestOf(def: DeclarativeConnectorDefinition): SourceConnector['manifest'] {
  const config: ConfigField[] = [
    {
      name: 'baseUrl',
      type: 'url',
      description: 'Base URL of the source; defaults to the definition, then HUB_SOURCES_URL',
      ...(def.baseUrl ? { default: def.baseUrl } : {}),
    },
    ...def.headers
      .filter((h) => h.secret)
      .map((h): ConfigField => ({ name: headerConfigKey(h.name), type: 'string', description: `Value of the ${h.name} request header`, secret: true })),
  ];
  return { id: def.id, kind: 'declarative', title: def.title, owner: def.owner ?? 'unknown', schedule: def.schedule, produces: [def.recordKind], config };
}

/**
 * Builds a runnable connector from a stored declarative definition (the
 * factory installed with `registry.useDeclarativeFactory`).
 */
export function createDeclarativeConnector(id: string, stored: unknown): SourceConnector {
  const def = stored as DeclarativeConnectorDefinition;
  if (!def || def.version !== 1 || !Array.isArray(def.fields)) throw new Error(`connector '${id}' has no usable declarative definition`);
  return {
    manifest: manifestOf(def),
    async check(ctx) {
      try {
        const p = def.pagination;
        const params: Record<string, unknown> = p.type === 'page' ? { [p.pageParam]: p.firstPage, [p.sizeParam]: 1 } : {};
        const items = itemsOf(def, await getBody(ctx, def, params));
        const sample = items.slice(0, 20);
        const bad = sample
          .map((it) => {
            try {
              mapDeclarativeRecord(def, it);
              return null;
            } catch (e) {
              return (e as Error).message;
            }
          })
          .filter(Boolean);
        return {
          ok: true,
          message: `${def.title} reachable; ${items.length} record(s) in the first answer${bad.length ? `, ${bad.length} of the first ${sample.length} do not map: ${bad[0]}` : ''}`,
          details: { items: items.length, unmappable: bad.length },
        };
      } catch (e) {
        return { ok: false, message: `${def.title} unreachable or not as described: ${(e as Error).message}` };
      }
    },
    fetch: (ctx) => fetchDeclarative(def, ctx),
    map: (native) => mapDeclarativeRecord(def, native),
  };
}
