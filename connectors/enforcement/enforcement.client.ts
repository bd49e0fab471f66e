import { FetchContext, FetchedPage, SourceResetError } from '../../src/connectors/connector.types';
import { EnforcementBatch, EnforcementCursor, EnforcementNativeRecord } from './enforcement.types';

/** Path of the change feed. */
export const ENFORCEMENT_FEED_PATH = '/enforcement/api/records';

function modifiedMs(r: EnforcementNativeRecord): number {
  const t = Date.parse(String(r?.modified_at));
  return Number.isNaN(t) ? -Infinity : t;
}

/**
 * Within one batch, keeps one entry per record: the one with the latest
 * `modified_at` (on a tie, the later one in the feed). The feed replays every
 * change in order and may repeat entries, so this makes "latest wins" hold even
 * when a repeat of an old version lands after the newer one. Entries without a
 * usable `record_id` are kept as they are, for quarantine.
 */
export function latestPerRecord(records: unknown[]): unknown[] {
  const best = new Map<string, { index: number; ms: number }>();
  records.forEach((r, index) => {
    const id = (r as EnforcementNativeRecord)?.record_id;
    if (typeof id !== 'string' || id === '') return;
    const ms = modifiedMs(r as EnforcementNativeRecord);
    const prev = best.get(id);
    if (!prev || ms >= prev.ms) best.set(id, { index, ms });
  });
  return records.filter((r, index) => {
    const id = (r as EnforcementNativeRecord)?.record_id;
    if (typeof id !== 'string' || id === '') return true;
    return best.get(id)!.index === index;
  });
}

/**
 * Walks the change feed from the committed cursor. Each batch is yielded with
 * the feed's `next_cursor`, which the runner commits together with the batch,
 * so a rerun after a crash resumes exactly after the last stored batch.
 */
export async function* fetchEnforcementBatches(ctx: FetchContext): AsyncIterable<FetchedPage> {
  const limit = Number(ctx.config.limit ?? 2000);
  let feed = ((ctx.cursor ?? { feed: null }) as EnforcementCursor).feed ?? null;
  for (;;) {
    const body = await ctx.http.getJson<EnforcementBatch>(`${ctx.baseUrl}${ENFORCEMENT_FEED_PATH}`, { cursor: feed ?? '', limit }).catch((e) => {
      throw feed !== null ? (asFeedReset(e) ?? e) : e;
    });
    if (!body || !Array.isArray(body.records)) throw new Error('enforcement system answered without a records array');
    if (typeof body.next_cursor !== 'string' || body.next_cursor === '') throw new Error('enforcement system answered without next_cursor');
    feed = body.next_cursor;
    yield { items: latestPerRecord(body.records), cursor: { feed } satisfies EnforcementCursor };
    if (body.has_more !== true) return;
  }
}

/**
 * The feed answers HTTP 400 naming the cursor when it no longer knows a cursor
 * it issued (it was reset or regenerated, so the saved position points past its
 * end or into another feed): a reset, said in plain words with the source's own
 * explanation. Anything else is not a reset (undefined).
 */
function asFeedReset(e: unknown): SourceResetError | undefined {
  const res = (e as { cause?: { response?: { status?: number; data?: unknown } } })?.cause?.response;
  if (res?.status !== 400) return undefined;
  const said = sourceExplanation(res.data);
  if (!/cursor/i.test(said)) return undefined;
  return new SourceResetError(
    `the enforcement system no longer recognises the position the hub saved in its change feed, so the feed was reset or regenerated (it answered HTTP 400: ${said}); the hub reads the feed again from its start at the next run (records it already holds stay as they are)`,
  );
}

/** The `error` of a JSON error body (parsed or as text), else the body as text. */
function sourceExplanation(data: unknown): string {
  let body = data;
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text;
    }
  }
  const error = (body as { error?: unknown } | null)?.error;
  return typeof error === 'string' ? error : JSON.stringify(body);
}
