import { Pool } from 'pg';
import { ScorePointData } from '../scoring/health-report.service';

/** Most history points `recentHistory` returns per enterprise. */
export const MAX_RECENT_HISTORY = 100;

/**
 * The last `last` score-history points of many enterprises (oldest first) in
 * one statement: a lateral top-N per enterprise on `score_history (credit_code, at)`.
 */
export async function recentHistories(pool: Pool, codes: readonly string[], last: number): Promise<ScorePointData[][]> {
  const res = await pool.query<ScorePointData & { creditCode: string }>({
    name: 'recent-score-history',
    text: `select c.code as "creditCode", h.at, h.score, h.risk_level as "riskLevel", h.previous_score as "previousScore",
            h.previous_risk_level as "previousRiskLevel", h.rule_set_version as "ruleSetVersion", h.cause, h.cause_ref as "causeRef"
       from unnest($1::text[]) as c(code)
       cross join lateral (select * from score_history s where s.credit_code = c.code order by s.at desc, s.id desc limit $2) h`,
    values: [[...new Set(codes)], last],
  });
  const by = new Map<string, ScorePointData[]>();
  for (const r of res.rows) {
    const { creditCode, ...p } = r;
    const list = by.get(creditCode) ?? [];
    list.push(p);
    by.set(creditCode, list);
  }
  return codes.map((c) => (by.get(c) ?? []).reverse());
}
