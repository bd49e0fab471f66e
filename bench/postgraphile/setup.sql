-- What PostGraphile needs to answer the seed's search over the hub's store, equivalently:
-- a search function (tags by code or Chinese label, ordered by score then credit code),
-- a computed column with an enterprise's tags, and a virtual foreign key for score history.
create or replace function public.search_enterprises(tags text[]) returns setof public.enterprise language sql stable as $$
  select e.* from public.enterprise e
   where exists (select 1 from public.enterprise_tags t
                  where t.credit_code = e.credit_code
                    and t.tag_ids @> (select array_agg(id) from public.tag where code = any(tags) or label = any(tags)))
   order by e.score, e.credit_code
$$;
create or replace function public.enterprise_tag_list(e public.enterprise) returns setof public.tag language sql stable as $$
  select t.* from public.enterprise_tags s cross join unnest(s.tag_ids) as x(id) join public.tag t on t.id = x.id
   where s.credit_code = e.credit_code order by t.id
$$;
comment on table public.score_history is E'@foreignKey (credit_code) references enterprise (credit_code)';
