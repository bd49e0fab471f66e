import { FetchContext, FetchedPage } from '../../src/connectors/connector.types';
import { PermitCursor, PermitNativeRecord, PermitPage } from './permit.types';

const PATH = '/permit/api/v1/enterprises';

function instant(s: string): number {
  const t = Date.parse(s);
  return Number.isNaN(t) ? -Infinity : t;
}

/** Orders records as the API does: by updatedAt (as an instant), then credit code. */
function compareKey(a: { t: number; code: string }, b: { t: number; code: string }): number {
  return a.t - b.t || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

function keyOf(r: PermitNativeRecord): { t: number; code: string } {
  return { t: instant(String(r?.updatedAt)), code: String(r?.creditCode) };
}

/**
 * Walks the permit system from the watermark. Page-number paging shifts when
 * records are updated during a walk, so instead of asking for page N+1 the
 * client re-asks from the last `updatedAt` it has seen (a keyset walk over the
 * API's order) and drops what it already has; it only steps page numbers while
 * a whole page shares one timestamp. A run starts `overlapSeconds` before the
 * committed watermark; what it re-reads is recognised as unchanged by hash.
 */
export async function* fetchPermitPages(ctx: FetchContext): AsyncIterable<FetchedPage> {
  const pageSize = Number(ctx.config.pageSize ?? 1000);
  const overlapMs = Number(ctx.config.overlapSeconds ?? 300) * 1000;
  const cursor = (ctx.cursor ?? { watermark: null }) as PermitCursor;
  let since: string | null = cursor.watermark ? new Date(instant(cursor.watermark) - overlapMs).toISOString() : null;
  let watermark = cursor.watermark;
  let page = 1;
  let last: { t: number; code: string } | null = null;
  for (;;) {
    const params: Record<string, unknown> = { page, pageSize };
    if (since) params.updatedSince = since;
    const body = await ctx.http.getJson<PermitPage>(`${ctx.baseUrl}${PATH}`, params);
    if (!body || !Array.isArray(body.items)) throw new Error(`permit system answered without an items array (page ${page})`);
    const fresh = last ? body.items.filter((r) => compareKey(keyOf(r), last!) > 0) : body.items;
    if (fresh.length) {
      // Records already seen are dropped above, so the key only moves forward.
      const tail = fresh[fresh.length - 1];
      last = keyOf(tail);
      if (Number.isFinite(last.t) && (!watermark || last.t > instant(watermark))) watermark = tail.updatedAt;
      yield { items: fresh, cursor: { watermark } satisfies PermitCursor };
    }
    if (body.items.length < pageSize) return;
    const pageEnd = keyOf(body.items[body.items.length - 1]);
    if (since !== null && Number.isFinite(pageEnd.t) && pageEnd.t === instant(since)) {
      page++;
    } else if (Number.isFinite(pageEnd.t)) {
      since = new Date(pageEnd.t).toISOString();
      page = 1;
    } else {
      page++;
    }
  }
}
