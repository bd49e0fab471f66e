import { EnterpriseRow } from '../../enterprises/enterprise.model';
import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../relay/global-id';
import { prefetchPageExtras } from '../page-prefetch';
import { HubContext } from '../context';
import { Division } from '../types/division.type';
import { forwardPageSize } from '../types/connection.type';
import { EnterpriseConnection, EnterpriseListArgs } from '../types/enterprise-connection.type';
import { Enterprise } from '../types/enterprise.type';
import { Permit } from '../types/permit.type';

/** Enterprise lookups and lists, always inside the caller's jurisdiction. */
@Resolver(() => Enterprise)
export class EnterpriseResolver {
  @Query(() => Enterprise, { nullable: true, description: 'One enterprise; null when absent or outside your jurisdiction' })
  enterprise(@Arg('creditCode', { description: 'Unified social credit code (统一社会信用代码), 18 characters' }) creditCode: string, @Ctx() ctx: HubContext) {
    return ctx.services.enterprises.findOne(ctx.scope, creditCode);
  }

  @Query(() => EnterpriseConnection, {
    description:
      'Enterprises matching a filter, ordered, in Relay pages. The first page fixes the result: later pages (first/after, last/before) show each enterprise of it exactly once while scores change, for 30 minutes',
  })
  async enterprises(@Ctx() ctx: HubContext, @Args(() => EnterpriseListArgs) args: EnterpriseListArgs, @Info() info?: GraphQLResolveInfo) {
    const { filter, orderBy, after, last, before } = args;
    const page = await ctx.services.enterprises.search(ctx.scope, filter ?? {}, orderBy, { first: forwardPageSize(args), after, last, before });
    // Tags and recent history of the whole page in one statement, when both are asked for (kept in the request's pagePrimed).
    if (info)
      await prefetchPageExtras(
        ctx,
        info,
        page.edges.map((e) => e.node.creditCode),
      );
    return {
      edges: page.edges,
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: page.hasPreviousPage, startCursor: page.startCursor, endCursor: page.endCursor },
      count: page.totalCount,
    };
  }

  @FieldResolver(() => ID, { description: 'Global, opaque id of this enterprise; pass it to node(id)' })
  id(@Root() e: EnterpriseRow): string {
    return toGlobalId('Enterprise', e.creditCode);
  }

  @FieldResolver(() => Division, { description: 'County-level division (区县) the enterprise belongs to, from the permit system; jurisdiction follows it' })
  async division(@Root() e: EnterpriseRow, @Ctx() ctx: HubContext) {
    const d = await ctx.loaders.division.load(e.divisionCode);
    if (!d) throw new Error(`enterprise ${e.creditCode} refers to unknown division ${e.divisionCode}`);
    return d;
  }

  @FieldResolver(() => [Permit], { description: 'Emission permits (排污许可证) of the enterprise, any status; empty when it holds none' })
  permits(@Root() e: EnterpriseRow, @Ctx() ctx: HubContext) {
    return ctx.loaders.permits.load(e.creditCode);
  }

  @FieldResolver(() => String, { description: 'Public report page; what the QR code encodes' })
  reportUrl(@Root() e: EnterpriseRow, @Ctx() ctx: HubContext) {
    return `${ctx.services.config.publicUrl}/report/${encodeURIComponent(e.creditCode)}`;
  }
}

/** Fields of an enterprise page that cost a query of their own. */
@Resolver(() => EnterpriseConnection)
export class EnterpriseConnectionResolver {
  @FieldResolver(() => Int, { description: 'Enterprises matching the filter inside your jurisdiction' })
  totalCount(@Root() page: EnterpriseConnection) {
    return page.count();
  }
}
