import { GraphQLError } from 'graphql';
import { inSubtree } from '../../domain/jurisdiction';
import { EnterpriseRow } from '../../enterprises/enterprise.model';
import { HubContext } from '../context';

/** A `filter.divisionCode` checked: a known division inside the caller's jurisdiction (null when none given). */
export function divisionInScope(ctx: HubContext, code: string | null | undefined): string | null {
  if (!code) return null;
  if (!ctx.services.divisions.get(code))
    throw new GraphQLError(`filter.divisionCode '${code}' is not a known division code`, { extensions: { code: 'BAD_USER_INPUT' } });
  if (!inSubtree(ctx.scope, code)) throw new GraphQLError(`division ${code} is outside your jurisdiction`, { extensions: { code: 'FORBIDDEN' } });
  return code;
}

/** The enterprise `creditCode` through the request's loader, or FORBIDDEN with `outside` when it is outside the caller's jurisdiction. */
export async function enterpriseInScope(
  ctx: HubContext,
  creditCode: string,
  outside = `enterprise ${creditCode} is outside your jurisdiction`,
): Promise<EnterpriseRow> {
  const e = await ctx.loaders.warningEnterprise.load(creditCode);
  if (!e) throw new GraphQLError(outside, { extensions: { code: 'FORBIDDEN' } });
  return e;
}

/** The Relay page info of a page of `edges` read after the cursor `after`. */
export function pageInfoOf(edges: readonly { cursor: string }[], hasNextPage: boolean, after: string | null | undefined) {
  return {
    hasNextPage,
    hasPreviousPage: after != null,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.length ? edges[edges.length - 1].cursor : null,
  };
}

/** A keyset page as the supervision services return it: rows with their cursors, newest first. */
interface KeysetPage<R> {
  edges: { cursor: string; node: R }[];
  hasNextPage: boolean;
  totalCount: number;
}

/**
 * A forward page of a jurisdiction-scoped list as a Relay connection: `first` checked (0–500),
 * `filter.divisionCode` checked by {@link divisionInScope}, the page read by `list`, each row through `view`
 * (when the rows are not the GraphQL type already).
 */
export async function scopedConnection<F extends { divisionCode?: string | null }, R, N = R>(
  ctx: HubContext,
  args: { filter?: F | null; first: number; after?: string | null },
  list: (filter: F, first: number, after: string | null | undefined) => Promise<KeysetPage<R>>,
  view: (row: R) => N = (row) => row as unknown as N,
) {
  const { first, after } = args;
  if (first < 0 || first > 500) throw new GraphQLError('first must be between 0 and 500', { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
  const f = args.filter ?? ({} as F);
  const page = await list({ ...f, divisionCode: divisionInScope(ctx, f.divisionCode) }, first, after);
  const edges = page.edges.map((e) => ({ cursor: e.cursor, node: view(e.node) }));
  return { totalCount: page.totalCount, edges, pageInfo: pageInfoOf(edges, page.hasNextPage, after) };
}
