import { EnterpriseRow } from '../../enterprises/enterprise.model';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { BadFilterError } from '../../enterprises/enterprise-search.service';
import { EnterpriseFacetsService } from '../../search/enterprise-facets.service';
import { MAX_RECENT_HISTORY } from '../recent-history.loader';
import { HubContext } from '../context';
import { recentHistoryKey } from '../loaders';
import { EnterpriseFilter } from '../types/enterprise-connection.type';
import { Enterprise } from '../types/enterprise.type';
import { EnterpriseFacets } from '../types/facet.type';
import { ScorePoint } from '../types/health-report.type';
import { RiskLevel } from '../types/enums';
import { catalogueTag } from '../views';

/** Facets and statistics of a filter, for dashboards. */
@Resolver(() => EnterpriseFacets)
export class FacetResolver {
  @Query(() => EnterpriseFacets, {
    description: 'Counts per tag, risk level and child division, and a score histogram, for a filter inside your jurisdiction (one statement)',
  })
  async enterpriseFacets(
    @Ctx() ctx: HubContext,
    @Arg('filter', () => EnterpriseFilter, { nullable: true, description: 'The enterprises counted (as in enterprises); absent: all of your jurisdiction' })
    filter?: EnterpriseFilter | null,
    @Arg('scoreBucketWidth', () => Int, { defaultValue: 10, description: 'Width of a score histogram bucket' }) scoreBucketWidth?: number,
  ): Promise<EnterpriseFacets> {
    const s = ctx.services;
    const f = await new EnterpriseFacetsService(s.db.readPool, s.enterprises, s.divisions, s.tags.catalogue).facets(
      ctx.scope,
      (filter ?? {}) as EnterpriseFilter & Record<string, unknown>,
      scoreBucketWidth ?? 10,
    );
    return {
      ...f,
      tags: f.tags.map((t) => ({ tag: catalogueTag(ctx.services.tags.catalogue, t.tag), count: t.count })),
      riskLevels: f.riskLevels.map((r) => ({ riskLevel: r.riskLevel as RiskLevel, count: r.count })),
    };
  }
}

/** Fields of Enterprise for search result pages, each batched per query level. */
@Resolver(() => Enterprise)
export class EnterpriseSearchFieldsResolver {
  @FieldResolver(() => [ScorePoint], { description: 'The last `last` points of the score history (default 12), oldest first; one statement for a whole page' })
  recentHistory(
    @Root() e: EnterpriseRow,
    @Ctx() ctx: HubContext,
    @Arg('last', () => Int, { defaultValue: 12, description: `How many of the latest points (1–${MAX_RECENT_HISTORY})` }) last: number,
  ) {
    if (!Number.isInteger(last) || last < 1 || last > MAX_RECENT_HISTORY)
      throw new BadFilterError(`'last' must be between 1 and ${MAX_RECENT_HISTORY}, got ${last}`);
    const key = { creditCode: e.creditCode, last };
    return ctx.loaders.pagePrimed.recentHistory.get(recentHistoryKey(key)) ?? ctx.loaders.recentHistory.load(key);
  }
}
