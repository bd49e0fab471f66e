/**
 * The monitoring aggregates (migrations monitoring-month-aggregates and
 * monitoring-outlet-aggregates) as stored, and the same rebuilt from the daily
 * rows with none of the triggers' or the fold's SQL: a test compares the two.
 */
type Query = (sql: string) => Promise<unknown[]>;

/** The month aggregates, and the same rebuilt from the daily rows. */
export const MONTH_AGGREGATES = `select credit_code, outlet_code, pollutant_code, month::text, reported, valid_ge, exceed_ge from monitoring_month order by 1, 2, 3, 4`;
export const REBUILT_MONTH_AGGREGATES = `with x as (select credit_code, outlet_code, pollutant_code, date_trunc('month', day)::date as month,
      1 << (extract(day from day)::int - 1) as b, valid_hours, exceed_hours from monitoring_day),
    g as (select credit_code, outlet_code, pollutant_code, month, h, coalesce(bit_or(b) filter (where valid_hours >= h), 0) as v,
                 coalesce(bit_or(b) filter (where exceed_hours >= h), 0) as e
            from x cross join generate_series(1, 24) as h group by 1, 2, 3, 4, 5)
    select credit_code, outlet_code, pollutant_code, month::text, r.reported, array_agg(v order by h) as valid_ge, array_agg(e order by h) as exceed_ge
      from g join (select credit_code, outlet_code, pollutant_code, month, bit_or(b) as reported from x group by 1, 2, 3, 4) r
     using (credit_code, outlet_code, pollutant_code, month)
     group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4`;
const H = Array.from({ length: 24 }, (_, i) => i + 1);
/** The outlet, extent and exceedance aggregates (migration monitoring-outlet-aggregates), and the same rebuilt from the daily rows. */
export const OUTLET_AGGREGATES = [
  `select credit_code, outlet_code, month::text, reported, valid_ge, full_valid from monitoring_outlet_month order by 1, 2, 3`,
  `select credit_code, outlet_code, first_day::text, last_day::text, months from monitoring_outlet order by 1, 2`,
  `select credit_code, outlet_code, pollutant_code, month::text, exceed_ge from monitoring_exceed_month order by 1, 2, 3, 4`,
];
export const REBUILT_OUTLET_AGGREGATES = [
  `with x as (select credit_code, outlet_code, date_trunc('month', day)::date as month, 1 << (extract(day from day)::int - 1) as b, max(valid_hours) as v
                from monitoring_day group by credit_code, outlet_code, day)
   select credit_code, outlet_code, month::text, bit_or(b) as reported,
          array[${H.map((h) => `coalesce(bit_or(b) filter (where v >= ${h}), 0)`).join(', ')}] as valid_ge,
          (case when count(*) = extract(day from month + interval '1 month' - interval '1 day') then min(v) else -1 end)::smallint as full_valid
     from x group by 1, 2, month order by 1, 2, 3`,
  `select credit_code, outlet_code, min(day)::text as first_day, max(day)::text as last_day, count(distinct date_trunc('month', day))::int as months
     from monitoring_day group by 1, 2 order by 1, 2`,
  `select credit_code, outlet_code, pollutant_code, date_trunc('month', day)::date::text as month,
          array[${H.map((h) => `coalesce(bit_or(1 << (extract(day from day)::int - 1)) filter (where exceed_hours >= ${h}), 0)`).join(', ')}] as exceed_ge
     from monitoring_day where exceed_hours >= 1 group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
];

/** Every `monitoring_month` row equals the one rebuilt from `monitoring_day`. */
export async function expectMonthAggregatesRebuilt(q: Query): Promise<void> {
  expect(await q(MONTH_AGGREGATES)).toEqual(await q(REBUILT_MONTH_AGGREGATES));
}

/** The outlet-month, extent and exceedance aggregates equal the ones rebuilt from `monitoring_day`. */
export async function expectOutletAggregatesRebuilt(q: Query): Promise<void> {
  for (const [i, sql] of OUTLET_AGGREGATES.entries()) expect(await q(sql)).toEqual(await q(REBUILT_OUTLET_AGGREGATES[i]));
}
