/**
 * Accuracy of entity resolution as a number (issue 20): the hub's links, queue and
 * quarantine compared with the truth of a generated province (the simulator's
 * `GET /admin/truth`: which enterprise each noisy record really names).
 */
import type { Pool } from 'pg';

/** One noisy record and the enterprise it really names (the simulator's truth). */
export interface TruthRecord {
  /** The source system, which is also the connector id: `enforcement` or `penalty`. */
  system: string;
  recordId: string;
  creditCode: string;
  /** How the record names its enterprise (ORG_CODE, PERMIT_NO, NAME_TYPO …). */
  variant: string;
}

/** The figures of one source (or of all). */
export interface ResolutionFigures {
  /** Noisy records in the truth. */
  noisy: number;
  /** Linked automatically (organisation code, permit number, similarity). */
  autoLinked: number;
  /** Of those, linked to the enterprise the truth names. */
  autoCorrect: number;
  /** Linked by a steward (or a steward's remembered decision). */
  stewardLinked: number;
  /** Waiting in the review queue. */
  queued: number;
  /** Quarantined (open entries). */
  quarantined: number;
  /** Neither linked, queued nor quarantined: lost. Must be 0. */
  lost: number;
  /** autoCorrect / autoLinked (1 when nothing linked). */
  precision: number;
  /** autoCorrect / noisy (1 when nothing is noisy). */
  recall: number;
  /** quarantined / noisy. */
  quarantinedShare: number;
  /** Automatic links per key (ORG_CODE, PERMIT_NO, SIMILARITY). */
  byKey: Record<string, number>;
  /** Noisy records per variant and where they went. */
  byVariant: Record<string, { noisy: number; autoCorrect: number; wrong: number; queued: number; quarantined: number; lost: number }>;
}

/** Evaluates the store against `truth` in one statement (per record: its link, open queue entry, open quarantine). */
export async function evaluateResolution(
  pool: Pick<Pool, 'query'>,
  truth: readonly TruthRecord[],
): Promise<{ all: ResolutionFigures; bySource: Record<string, ResolutionFigures> }> {
  const res = await pool.query<{
    system: string;
    variant: string;
    truth: string;
    linked: string | null;
    key: string | null;
    queued: boolean;
    quarantined: boolean;
  }>(
    `select t.system, t.variant, t.credit_code as truth, l.credit_code as linked, l.key,
            exists (select 1 from resolution_queue q where q.connector_id = t.system and q.source_id = t.record_id and q.status = 'OPEN') as queued,
            exists (select 1 from quarantine z where z.connector_id = t.system and z.source_id = t.record_id and z.status = 'OPEN') as quarantined
       from jsonb_to_recordset($1::jsonb) as t(system text, record_id text, credit_code text, variant text)
       left join entity_link l on l.connector_id = t.system and l.source_id = t.record_id`,
    [JSON.stringify(truth.map((t) => ({ system: t.system, record_id: t.recordId, credit_code: t.creditCode, variant: t.variant })))],
  );
  const empty = (): ResolutionFigures => ({
    noisy: 0,
    autoLinked: 0,
    autoCorrect: 0,
    stewardLinked: 0,
    queued: 0,
    quarantined: 0,
    lost: 0,
    precision: 1,
    recall: 1,
    quarantinedShare: 0,
    byKey: {},
    byVariant: {},
  });
  const all = empty();
  const bySource: Record<string, ResolutionFigures> = {};
  for (const r of res.rows) {
    for (const f of [all, (bySource[r.system] ??= empty())]) {
      const v = (f.byVariant[r.variant] ??= { noisy: 0, autoCorrect: 0, wrong: 0, queued: 0, quarantined: 0, lost: 0 });
      f.noisy++;
      v.noisy++;
      if (r.linked && r.key !== 'STEWARD') {
        f.autoLinked++;
        f.byKey[r.key!] = (f.byKey[r.key!] ?? 0) + 1;
        if (r.linked === r.truth) {
          f.autoCorrect++;
          v.autoCorrect++;
        } else v.wrong++;
      } else if (r.linked) f.stewardLinked++;
      else if (r.queued) {
        f.queued++;
        v.queued++;
      } else if (r.quarantined) {
        f.quarantined++;
        v.quarantined++;
      } else {
        f.lost++;
        v.lost++;
      }
    }
  }
  for (const f of [all, ...Object.values(bySource)]) {
    f.precision = f.autoLinked ? f.autoCorrect / f.autoLinked : 1;
    f.recall = f.noisy ? f.autoCorrect / f.noisy : 1;
    f.quarantinedShare = f.noisy ? f.quarantined / f.noisy : 0;
  }
  return { all, bySource };
}

const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)} %`;

/** The figures as lines for a terminal: per source, then all. */
export function formatResolutionFigures(e: { all: ResolutionFigures; bySource: Record<string, ResolutionFigures> }): string[] {
  const line = (name: string, f: ResolutionFigures) =>
    `${name.padEnd(12)} noisy ${f.noisy}: auto-linked ${f.autoLinked} (${Object.entries(f.byKey)
      .map(([k, n]) => `${k} ${n}`)
      .join(
        ', ',
      )}), precision ${pct(f.precision, 3)}, recall ${pct(f.recall)}, steward-linked ${f.stewardLinked}, queued ${f.queued}, quarantined ${f.quarantined} (${pct(f.quarantinedShare)}), lost ${f.lost}`;
  const out = Object.entries(e.bySource)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, f]) => line(s, f));
  out.push(line('all', e.all));
  for (const [v, c] of Object.entries(e.all.byVariant).sort(([a], [b]) => a.localeCompare(b)))
    out.push(`  ${v.padEnd(16)} ${c.noisy}: correct ${c.autoCorrect}, wrong ${c.wrong}, queued ${c.queued}, quarantined ${c.quarantined}, lost ${c.lost}`);
  return out;
}
