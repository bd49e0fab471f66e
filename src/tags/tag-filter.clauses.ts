import { FilterClauseBuilder } from '../enterprises/enterprise-search.service';
import { SqlParams } from '../jurisdiction/scope';
import { ResolvedTagFilter, TagCatalogue } from './tag-catalogue';

/** The tag part of an enterprise filter (GraphQL `TagFilter`): codes or Chinese labels. */
export interface TagFilterInput {
  /** The enterprise carries every one of these tags. */
  all?: string[] | null;
  /** The enterprise carries at least one of these tags. */
  any?: string[] | null;
  /** The enterprise carries none of these tags. */
  none?: string[] | null;
}

/** SQL conditions (on `enterprise e`) for resolved tag ids, using the GIN index of `enterprise_tags.tag_ids`. */
export function tagConditions(f: ResolvedTagFilter, params: SqlParams): string[] {
  const out: string[] = [];
  const pos: string[] = [];
  if (f.all.length) pos.push(`t.tag_ids @> ${params.add(f.all)}::int[]`);
  if (f.any.length) pos.push(`t.tag_ids && ${params.add(f.any)}::int[]`);
  if (pos.length) out.push(`exists (select 1 from enterprise_tags t where t.credit_code = e.credit_code and ${pos.join(' and ')})`);
  if (f.none.length) out.push(`not exists (select 1 from enterprise_tags t where t.credit_code = e.credit_code and t.tag_ids && ${params.add(f.none)}::int[])`);
  return out;
}

/**
 * The clause builder registered with the enterprise search: resolves
 * `filter.tags` among the tags the caller's scope may see (an unknown tag is
 * an error naming it) and adds the conditions.
 */
export function tagFilterClauses(catalogue: TagCatalogue): FilterClauseBuilder {
  return async (filter, params, scope) => {
    const tags = filter.tags as TagFilterInput | null | undefined;
    if (!tags) return [];
    return tagConditions(await catalogue.resolveFilter(tags, scope), params);
  };
}
