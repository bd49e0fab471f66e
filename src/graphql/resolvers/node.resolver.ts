import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { ClientError } from '../../domain/client-error';
import { HubContext } from '../context';
import { NodeType, fromGlobalId } from '../relay/global-id';
import { Node, TypedNode } from '../types/node.type';
import { catalogueTag } from '../views';

/** Most ids one `nodes` call may ask for. */
export const MAX_NODES = 100;

type Fetch = (ctx: HubContext, key: string) => Promise<object | null>;

/**
 * How each node type is read back, through the same services and with the same
 * jurisdiction as its own paths: an enterprise or warning outside the caller's
 * jurisdiction, a connector the caller cannot list, or a local tag of another
 * division is null, exactly like `enterprise(creditCode)`.
 */
const FETCH: Record<NodeType, Fetch> = {
  Enterprise: (ctx, code) => ctx.services.enterprises.findOne(ctx.scope, code),
  Warning: async (ctx, id) => (/^\d{1,18}$/.test(id) ? ((await ctx.services.warnings.workflow.byIds(ctx.scope, [id]))[0] ?? null) : null),
  Connector: async (ctx, id) => (await ctx.services.connectorAdmin.list([id], ctx.scope))[0] ?? null,
  ConnectorRun: async (ctx, id) => {
    if (!/^\d{1,18}$/.test(id)) return null;
    const run = await ctx.services.connectorAdmin.run(id).catch(() => null);
    // A run is visible where its connector is.
    return run && (await ctx.services.connectorAdmin.list([run.connectorId], ctx.scope)).length ? run : null;
  },
  Tag: async (ctx, code) => {
    await ctx.services.tags.catalogue.reload();
    const t = ctx.services.tags.catalogue.list(ctx.scope).find((x) => x.code === code);
    return t ? catalogueTag(ctx.services.tags.catalogue, t) : null;
  },
};

async function fetchNode(ctx: HubContext, id: string): Promise<TypedNode | null> {
  const g = fromGlobalId(id);
  if (!g) return null;
  const row = await FETCH[g.type](ctx, g.key);
  return row ? Object.assign(Object.create(null), row, { __nodeType: g.type }) : null;
}

/** Relay's `node` and `nodes`: any object by its global id, inside the caller's jurisdiction. */
@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'The object with this global id; null when there is none or it lies outside your jurisdiction' })
  node(@Arg('id', () => ID, { description: 'A global id (the `id` field of any Node)' }) id: string, @Ctx() ctx: HubContext): Promise<TypedNode | null> {
    return fetchNode(ctx, id);
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: `The objects with these global ids, in the same order; null for each one absent or outside your jurisdiction (at most ${MAX_NODES})`,
  })
  nodes(@Arg('ids', () => [ID], { description: 'Global ids' }) ids: string[], @Ctx() ctx: HubContext): Promise<(TypedNode | null)[]> {
    if (ids.length > MAX_NODES) throw new ClientError(`nodes takes at most ${MAX_NODES} ids, got ${ids.length}`, { argument: 'ids' });
    return Promise.all(ids.map((id) => fetchNode(ctx, id)));
  }
}
