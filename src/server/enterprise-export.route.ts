import http from 'node:http';
import { ClientError, nulPath } from '../domain/client-error';
import { ServerServices } from './server-services.types';
import { EnterpriseFilterInput, EnterpriseOrderKey } from '../enterprises/enterprise.model';
import { Scope, SqlParams } from '../jurisdiction/scope';
import { HttpError, HttpRoute } from './http-route';
import { UTF8_BOM, csvRecord } from './csv';
import { RISK_LEVELS } from '../domain/risk-band';
import { ExportCapacity } from './export-capacity';

/** Rows fetched from the server-side cursor per round trip. */
const FETCH_ROWS = 2000;

/** Columns of the export: Chinese header and the SQL producing it. */
const COLUMNS: [string, string][] = [
  ['统一社会信用代码', 'e.credit_code'],
  ['企业名称', 'e.name'],
  ['所属城市', 'c.name'],
  ['所属区县', 'd.name'],
  ['行政区划代码', 'e.division_code'],
  ['行业代码', 'e.industry_code'],
  ['健康得分', 'e.score'],
  ['风险等级', `case e.risk_level when 'HIGH' then '高' when 'MEDIUM' then '中' else '低' end`],
  ['标签', 'tags'],
];

const ORDERS: Record<EnterpriseOrderKey, string> = {
  SCORE_ASC: 'e.score asc, e.credit_code asc',
  SCORE_DESC: 'e.score desc, e.credit_code asc',
  NAME_ASC: 'e.name asc, e.credit_code asc',
  CREDIT_CODE_ASC: 'e.credit_code asc',
};

const FILTER_KEYS = new Set(['divisionCode', 'riskLevels', 'scoreMin', 'scoreMax', 'nameContains', 'industryCode', 'tags']);

/** Parses and checks `?filter=<JSON EnterpriseFilter>`; a mistake is a 400 saying what to fix. */
export function parseExportFilter(raw: string | null): EnterpriseFilterInput & Record<string, unknown> {
  if (!raw) return {};
  let f: unknown;
  try {
    f = JSON.parse(raw);
  } catch {
    throw new HttpError(400, `filter is not JSON: pass an EnterpriseFilter like {"tags":{"all":["黄标","固废危废"]}}`, 'BAD_USER_INPUT');
  }
  if (!f || typeof f !== 'object' || Array.isArray(f)) throw new HttpError(400, 'filter must be a JSON object (an EnterpriseFilter)', 'BAD_USER_INPUT');
  const nul = nulPath(f, 'filter');
  if (nul) throw new HttpError(400, `${nul} contains a NUL character (\\u0000), which no text in the hub holds`, 'BAD_USER_INPUT', {}, { argument: nul });
  const obj = f as Record<string, unknown>;
  const unknown = Object.keys(obj).filter((k) => !FILTER_KEYS.has(k));
  if (unknown.length) throw new HttpError(400, `filter has unknown field(s) ${unknown.join(', ')}; allowed: ${[...FILTER_KEYS].join(', ')}`, 'BAD_USER_INPUT');
  const strList = (v: unknown, name: string) => {
    if (v == null) return;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new HttpError(400, `${name} must be a list of strings`, 'BAD_USER_INPUT');
  };
  for (const k of ['divisionCode', 'nameContains', 'industryCode']) {
    if (obj[k] != null && typeof obj[k] !== 'string') throw new HttpError(400, `filter.${k} must be a string`, 'BAD_USER_INPUT');
  }
  for (const k of ['scoreMin', 'scoreMax']) {
    if (obj[k] != null && !Number.isInteger(obj[k])) throw new HttpError(400, `filter.${k} must be an integer`, 'BAD_USER_INPUT');
  }
  strList(obj.riskLevels, 'filter.riskLevels');
  if (Array.isArray(obj.riskLevels) && obj.riskLevels.some((r) => !(RISK_LEVELS as readonly unknown[]).includes(r))) {
    throw new HttpError(400, 'filter.riskLevels takes LOW, MEDIUM, HIGH', 'BAD_USER_INPUT');
  }
  if (obj.tags != null) {
    if (typeof obj.tags !== 'object' || Array.isArray(obj.tags)) throw new HttpError(400, 'filter.tags must be an object {all, any, none}', 'BAD_USER_INPUT');
    const t = obj.tags as Record<string, unknown>;
    const extra = Object.keys(t).filter((k) => !['all', 'any', 'none'].includes(k));
    if (extra.length) throw new HttpError(400, `filter.tags has unknown field(s) ${extra.join(', ')}; allowed: all, any, none`, 'BAD_USER_INPUT');
    for (const k of ['all', 'any', 'none']) strList(t[k], `filter.tags.${k}`);
  }
  return obj as EnterpriseFilterInput & Record<string, unknown>;
}

function ancestorsOf(services: ServerServices, code: string): string[] {
  const out: string[] = [];
  for (let d = services.divisions.get(code); d; d = d.parentCode ? services.divisions.get(d.parentCode) : undefined) out.push(d.code);
  return out;
}

/**
 * Streams every enterprise matching a filter inside the caller's jurisdiction
 * as CSV (UTF-8 with BOM, Chinese headers, RFC 4180), read through a
 * server-side cursor in a read-only snapshot so memory stays flat whatever
 * the size, and the download is consistent. It runs on a slot of
 * `capacity` (its own sessions, never the pool of authentication and the
 * API): over capacity it is a 503. Writes wait for the client to read
 * (back-pressure); a client that reads nothing for the stall timeout is cut
 * off, its transaction rolled back and its session closed.
 */
export async function streamEnterpriseCsv(
  services: ServerServices,
  scope: Scope,
  filter: EnterpriseFilterInput & Record<string, unknown>,
  order: EnterpriseOrderKey,
  res: http.ServerResponse,
  isClosed: () => boolean,
  capacity: ExportCapacity,
): Promise<number> {
  const params = new SqlParams();
  let where: string;
  try {
    where = await services.enterprises.whereClause(scope, filter, params);
  } catch (e) {
    if (e instanceof ClientError) throw new HttpError(400, e.message, e.code, {}, { ...e.details });
    throw e;
  }
  const visible = params.add(ancestorsOf(services, scope.divisionCode));
  const sql = `select ${COLUMNS.map(
    ([, expr], i) =>
      `${
        expr === 'tags'
          ? `(select string_agg(t.label, '；' order by tc.position, t.position, t.id)
        from enterprise_tags s cross join unnest(s.tag_ids) as x(id) join tag t on t.id = x.id join tag_category tc on tc.code = t.category
       where s.credit_code = e.credit_code and (t.division_code is null or t.division_code = any(${visible}::text[])))`
          : expr
      } as c${i}`,
  ).join(', ')}
      from enterprise e left join division d on d.code = e.division_code left join division c on c.code = e.city_code
     where ${where} order by ${ORDERS[order]}`;
  const slot = await capacity.acquire();
  const { client } = slot;
  let rows = 0;
  let broken = false;
  try {
    await client.query('begin isolation level repeatable read read only');
    await client.query(`declare enterprise_export no scroll cursor for ${sql}`, params.values);
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="enterprises.csv"; filename*=UTF-8''${encodeURIComponent('企业名单.csv')}`,
      'cache-control': 'no-store',
    });
    res.write(UTF8_BOM + csvRecord(COLUMNS.map(([h]) => h)));
    for (;;) {
      if (isClosed()) break;
      const batch = await client.query({ text: `fetch ${FETCH_ROWS} from enterprise_export`, rowMode: 'array' });
      if (!batch.rows.length) break;
      rows += batch.rows.length;
      const ok = res.write(batch.rows.map((r: unknown[]) => csvRecord(r)).join(''));
      if (!ok && !isClosed() && !(await drained(res, capacity.limits.stallTimeoutMs))) {
        // The client stopped reading: cut it off rather than hold a session and a snapshot for it.
        broken = true;
        res.destroy();
        throw new ExportStalledError(rows, capacity.limits.stallTimeoutMs);
      }
    }
    await client.query('commit');
  } catch (e) {
    broken = true;
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    slot.release(broken);
  }
  res.end();
  return rows;
}

/** Thrown when an export's client read nothing for the stall timeout; its connection was closed. */
export class ExportStalledError extends Error {
  constructor(
    readonly rows: number,
    readonly stallTimeoutMs: number,
  ) {
    super(`client read nothing for ${stallTimeoutMs} ms after ${rows} rows; connection closed`);
  }
}

/** Resolves true once `res` drains, false after `timeoutMs` without draining; a closed response counts as drained (the loop then stops). */
function drained(res: http.ServerResponse, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onDrain);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    res.once('drain', onDrain);
    res.once('close', onDrain);
  });
}

/** `GET /export/enterprises.csv?filter=<JSON EnterpriseFilter>&orderBy=SCORE_ASC` for an authenticated caller. */
export function enterpriseExportRoute(capacity: ExportCapacity): HttpRoute {
  return {
    name: 'export-enterprises',
    methods: ['GET'],
    pattern: /^\/export\/enterprises\.csv$/,
    auth: 'caller',
    async handle(req, res, ctx) {
      if (!ctx.caller) throw new HttpError(401, 'an API key is required', 'UNAUTHENTICATED');
      const filter = parseExportFilter(ctx.url.searchParams.get('filter'));
      const order = (ctx.url.searchParams.get('orderBy') ?? 'SCORE_ASC') as EnterpriseOrderKey;
      // Own keys only: `toString` is `in` every object.
      if (!Object.hasOwn(ORDERS, order))
        throw new HttpError(400, `orderBy must be one of ${Object.keys(ORDERS).join(', ')}`, 'BAD_USER_INPUT', {}, { argument: 'orderBy' });
      let closed = false;
      res.once('close', () => (closed = true));
      const t = Date.now();
      let n: number;
      try {
        n = await streamEnterpriseCsv(ctx.services, ctx.caller.scope, filter, order, res, () => closed || req.destroyed, capacity);
      } catch (e) {
        if (!(e instanceof ExportStalledError)) throw e;
        ctx.services.log(`export ${ctx.requestId} for ${ctx.caller.name} cut off: ${e.message}`);
        return;
      }
      ctx.services.log(`export ${ctx.requestId}: ${n} enterprises for ${ctx.caller.name} (${ctx.caller.scope.divisionCode}) in ${Date.now() - t} ms`);
    },
  };
}
