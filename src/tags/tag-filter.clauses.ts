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

/**
 * SQL conditions (on `enterprise e`) for resolved tag ids, on the search's copy
 * of the effective tags on the enterprise row (`enterprise.tag_ids`, GIN-indexed,
 * kept equal to `enterprise_tags.tag_ids` by triggers: migration
 * `enterprise-tag-ids`), so a tag search reads no second table.
 */
export function tagConditions(f: ResolvedTagFilter, params: SqlParams): string[] {
  const out: string[] = [];
  if (f.all.length) out.push(`e.tag_ids @> ${params.add(f.all)}::int[]`);
  if (f.any.length) out.push(`e.tag_ids && ${params.add(f.any)}::int[]`);
  if (f.none.length) out.push(`not (e.tag_ids && ${params.add(f.none)}::int[])`);
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
