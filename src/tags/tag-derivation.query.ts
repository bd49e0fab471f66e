/**
 * The set-based retag statement: derives the tags of a set of enterprises from
 * their current facts and the rules in `tag_rule` (data), applies the manual
 * attachments and detachments of `tag_manual`, and writes the result into
 * `enterprise_tags` (only rows that changed are rewritten).
 *
 * An enterprise has reported monitoring when it has an outlet in `monitoring_outlet` (the
 * outlets with a day row, kept by the monitoring_day triggers): one index probe, not one per
 * month partition of the days.
 *
 * `scope` is `'touched'` (the enterprises whose codes are `$1::text[]`) or
 * `'all'` (every enterprise, and rows of vanished enterprises are removed by
 * {@link pruneTagsSql}).
 */
export function retagSql(scope: 'touched' | 'all'): string {
  const pred = (a: string) => (scope === 'all' ? 'true' : `${a}.credit_code = any($1::text[])`);
  return `with e as materialized (
      select x.credit_code, x.supervision_level, x.management_class, x.basin, x.pollution_types, x.air_sources,
             x.monitoring_facilities, x.industry_code
        from enterprise x where ${pred('x')}
    ),
    facts (credit_code, field, value, len) as (
      select credit_code, 'supervision_level', supervision_level, 0 from e where supervision_level is not null
      union all select credit_code, 'management_class', management_class, 0 from e where management_class is not null
      union all select credit_code, 'basin', basin, 0 from e where basin is not null
      union all select e.credit_code, 'pollution_types', v, 0 from e cross join unnest(e.pollution_types) as v
      union all select e.credit_code, 'air_sources', v, 0 from e cross join unnest(e.air_sources) as v
      union all select e.credit_code, 'monitoring_facilities', v, 0 from e cross join unnest(e.monitoring_facilities) as v
      union all select e.credit_code, 'industry_code', left(e.industry_code, n), n
                  from e cross join generate_series(1, length(e.industry_code)) as n
      union all select r.credit_code, 'credit_level', r.level, 0 from (
                  select distinct on (c.credit_code) c.credit_code, c.level from credit_rating c where ${pred('c')}
                   order by c.credit_code, c.rated_on desc, c.source_updated_at desc nulls last, c.connector_id) r
      union all select e.credit_code, 'monitoring_reported', 'true', 0 from e
                 where exists (select 1 from monitoring_outlet m where m.credit_code = e.credit_code)
    ),
    chosen as materialized (
      select distinct on (f.credit_code, r.category, case when r.kind = 'prefix' then 0 else r.tag_id end)
             f.credit_code, r.tag_id, r.id as rule_id, r.category
        from facts f join tag_rule r on r.field = f.field and r.value = f.value and r.kind in ('match', 'prefix')
       order by f.credit_code, r.category, case when r.kind = 'prefix' then 0 else r.tag_id end, f.len desc, r.position, r.id
    ),
    fallback as (
      select e.credit_code, r.tag_id, r.id as rule_id from e join tag_rule r on r.kind = 'fallback'
       where not exists (select 1 from chosen c where c.credit_code = e.credit_code and c.category = r.category)
    ),
    derived as (
      select credit_code, array_agg(tag_id order by tag_id) as tag_ids, array_agg(rule_id order by tag_id) as rule_ids
        from (select credit_code, tag_id, rule_id from chosen union all select credit_code, tag_id, rule_id from fallback) d
       group by credit_code
    ),
    fresh as (
      select e.credit_code, coalesce(d.tag_ids, '{}') as derived_tag_ids, coalesce(d.rule_ids, '{}') as derived_rule_ids,
             array(select t from unnest(coalesce(d.tag_ids, '{}'::int[])) as t
                    where not exists (select 1 from tag_manual m where m.credit_code = e.credit_code and m.tag_id = t and m.action = 'DETACH')
                   union
                   select m.tag_id from tag_manual m where m.credit_code = e.credit_code and m.action = 'ATTACH'
                   order by 1) as tag_ids
        from e left join derived d using (credit_code)
    ),
    up as (
      insert into enterprise_tags (credit_code, tag_ids, derived_tag_ids, derived_rule_ids)
      select credit_code, tag_ids, derived_tag_ids, derived_rule_ids from fresh order by credit_code
      on conflict (credit_code) do update set tag_ids = excluded.tag_ids, derived_tag_ids = excluded.derived_tag_ids,
             derived_rule_ids = excluded.derived_rule_ids, updated_at = now()
       where (enterprise_tags.tag_ids, enterprise_tags.derived_tag_ids, enterprise_tags.derived_rule_ids)
             is distinct from (excluded.tag_ids, excluded.derived_tag_ids, excluded.derived_rule_ids)
      returning 1
    )
    select (select count(*)::int from e) as enterprises, (select count(*)::int from up) as changed`;
}

/** Removes the tag rows of enterprises that no longer exist (full retag only). */
export const pruneTagsSql = `delete from enterprise_tags t where not exists (select 1 from enterprise e where e.credit_code = t.credit_code)`;
