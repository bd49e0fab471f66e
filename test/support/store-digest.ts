import { Database } from '../../src/db/database';

/** Count and md5 of every typed table, over the columns a source determines (no hub timestamps). */
export async function typedStoreDigest(db: Database): Promise<Record<string, string>> {
  const tables: Record<string, string> = {
    enterprise: `select credit_code, name, division_code, address, longitude, latitude, industry_code, supervision_level, management_class, basin, pollution_types, air_sources, monitoring_facilities, source_updated_at from enterprise order by credit_code`,
    permit: `select credit_code, permit_no, valid_from, valid_to, status from permit order by credit_code, permit_no`,
    enforcement_record: `select credit_code, record_id, kind, event_date, finding, measure_type, status, modified_at from enforcement_record order by record_id`,
    penalty: `select credit_code, case_no, decision_date, amount, daily_consecutive, status, modified_at from penalty order by case_no`,
    monitoring_day: `select credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours, daily_mean, limit_value, unit from monitoring_day order by credit_code, outlet_code, pollutant_code, day`,
    credit_rating: `select credit_code, connector_id, level, rated_on, source_updated_at from credit_rating order by credit_code, connector_id`,
    source_record: `select connector_id, source_id, kind, credit_code, content_hash from source_record order by connector_id, source_id`,
    // Monitoring keeps its raw records per written page: each row names its batch, which holds the row's payload under its key.
    monitoring_source: `select m.credit_code, m.outlet_code, m.pollutant_code, m.day, b.connector_id, md5((b.payload -> concat_ws('/', m.credit_code, m.outlet_code, m.pollutant_code, to_char(m.day, 'YYYY-MM-DD')))::text) from monitoring_day m left join source_batch b on b.id = m.source_batch`,
  };
  const out: Record<string, string> = {};
  for (const [t, sql] of Object.entries(tables)) {
    const r = await db.pool.query(`select count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from (${sql}) x`);
    out[t] = `${r.rows[0].n} ${r.rows[0].h}`;
  }
  return out;
}

/** Count and md5 of every derived product: deductions, scores, ranks' inputs and tags (no hub timestamps). */
export async function derivedDigest(db: Database): Promise<Record<string, string>> {
  const tables: Record<string, string> = {
    deduction: `select credit_code, rule_code, points, event_date, system, record_id, in_window, rule_set_version from deduction`,
    score_state: `select credit_code, score, risk_level, rule_set_version, as_of from score_state`,
    enterprise_score: `select credit_code, score, risk_level from enterprise`,
    enterprise_tags: `select credit_code, tag_ids, derived_tag_ids, derived_rule_ids from enterprise_tags`,
  };
  const out: Record<string, string> = {};
  for (const [t, sql] of Object.entries(tables)) {
    const r = await db.pool.query(`select count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from (${sql}) x`);
    out[t] = `${r.rows[0].n} ${r.rows[0].h}`;
  }
  return out;
}

/** Every warning as `type credit_code subject status holds`, sorted (no ids, no timestamps). */
export async function warningDigest(db: Database): Promise<string[]> {
  const r = await db.pool.query<{ w: string }>(`select concat_ws(' ', type, credit_code, subject, status, condition_holds) as w from warning order by 1`);
  return r.rows.map((x) => x.w);
}
