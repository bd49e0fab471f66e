import { Migration } from '@mikro-orm/migrations';
import { rankApplySql as twoLevelRankApplySql } from './Migration20261130000200_health-score';

/** The statements that add a delta of enterprises (credit code, division, score, ±1) to the rank histograms. */
function rankApplySql(deltaSql: string): string[] {
  const scoped = `with d as (${deltaSql}),
    s as (select x.scope, d.score, left(d.credit_code, 8) as prefix, d.n from d
          cross join lateral (values (left(d.division_code, 2) || '0000'), (left(d.division_code, 4) || '00'), (d.division_code)) as x(scope))`;
  return [
    `${scoped}
     insert into rank_score (scope, score, n)
     select scope, score, sum(n) from s group by scope, score having sum(n) <> 0 order by scope, score
     on conflict (scope, score) do update set n = rank_score.n + excluded.n`,
    `${scoped}
     insert into rank_bucket (scope, score, plen, prefix, n)
     select scope, score, 8, prefix, sum(n) from s group by scope, score, prefix having sum(n) <> 0 order by 1, 2, 4
     on conflict (scope, score, plen, prefix) do update set n = rank_bucket.n + excluded.n`,
  ];
}

function rankFunctions(apply: (deltaSql: string) => string[]): string[] {
  const fn = (name: string, deltaSql: string) => `create or replace function ${name}() returns trigger language plpgsql as $fn$
    begin
      ${apply(deltaSql).join(';\n')};
      return null;
    end $fn$`;
  return [
    fn('rank_on_insert', `select credit_code, division_code, score, 1 as n from rank_new`),
    fn('rank_on_delete', `select credit_code, division_code, score, -1 as n from rank_old`),
    // Only rows whose score or division changed move in the histograms.
    fn('rank_on_update', `select credit_code, division_code, score, 1 as n
                            from (select credit_code, division_code, score from rank_new
                                  except all select credit_code, division_code, score from rank_old) a
                          union all
                          select credit_code, division_code, score, -1
                            from (select credit_code, division_code, score from rank_old
                                  except all select credit_code, division_code, score from rank_new) b`),
  ];
}

/**
 * Rank histograms with one level of credit-code buckets (the 8-character
 * prefix: registration authority and division) instead of two. The second
 * level held about one row per enterprise and scope, and every inserted or
 * rescored enterprise paid for three of them; a rank now counts the few
 * hundred same-score codes of its own bucket on the score index, which
 * carries the division so the count never touches the table.
 */
export class Migration20261130000900RankCountyBuckets extends Migration {
  override async up(): Promise<void> {
    for (const sql of rankFunctions(rankApplySql)) this.addSql(sql);
    this.addSql(`delete from rank_bucket where plen <> 8`);
    this.addSql(`drop index if exists enterprise_score_idx`);
    this.addSql(`create index enterprise_score_idx on enterprise (score, credit_code) include (division_code)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists enterprise_score_idx`);
    this.addSql(`create index enterprise_score_idx on enterprise (score, credit_code)`);
    // Rebuild both bucket levels from the table, then restore the two-level triggers.
    this.addSql(`delete from rank_bucket`);
    this.addSql(`insert into rank_bucket (scope, score, plen, prefix, n)
      select x.scope, e.score, y.plen, left(e.credit_code, y.plen), count(*) from enterprise e
       cross join lateral (values (left(e.division_code, 2) || '0000'), (left(e.division_code, 4) || '00'), (e.division_code)) as x(scope)
       cross join (values (8), (11)) as y(plen)
       group by 1, 2, 3, 4`);
    for (const sql of rankFunctions(twoLevelRankApplySql)) this.addSql(sql);
  }
}
