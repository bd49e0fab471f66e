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
  };
  const out: Record<string, string> = {};
  for (const [t, sql] of Object.entries(tables)) {
    const r = await db.pool.query(`select count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from (${sql}) x`);
    out[t] = `${r.rows[0].n} ${r.rows[0].h}`;
  }
  return out;
}
