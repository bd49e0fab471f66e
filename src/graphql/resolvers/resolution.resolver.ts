import { GraphQLError } from 'graphql';
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { ResolutionStewardError } from '../../ingest/resolution-steward.service';
import { HubContext } from '../context';
import { ResolutionQueueConnection, ResolutionQueueEntry, UnlinkResult } from '../types/resolution.type';

async function asGraphQL<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ResolutionStewardError) throw new GraphQLError(e.message, { extensions: { code: e.code } });
    throw e;
  }
}

/** Entity resolution for stewards: the review queue inside their jurisdiction and the decisions on it. */
@Resolver(() => ResolutionQueueEntry)
export class ResolutionResolver {
  @Authorized('STEWARD')
  @Query(() => ResolutionQueueConnection, {
    description: 'Records without a valid credit code waiting for a steward (between the two thresholds), inside your jurisdiction, oldest first (STEWARD)',
  })
  async resolutionQueue(
    @Ctx() ctx: HubContext,
    @Arg('first', () => Int, { defaultValue: 50, description: 'Entries per page (at most 500)' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page' }) after?: string | null,
  ): Promise<ResolutionQueueConnection> {
    const page = await asGraphQL(() => ctx.services.resolution.queue(ctx.scope, first, after));
    const edges = page.items.map((node) => ({ cursor: Buffer.from(`rq:${node.id}`).toString('base64url'), node: node as unknown as ResolutionQueueEntry }));
    return {
      totalCount: page.totalCount,
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: !!after, startCursor: edges[0]?.cursor ?? null, endCursor: page.endCursor },
    };
  }

  @Authorized('STEWARD')
  @Mutation(() => ResolutionQueueEntry, {
    description:
      "Links a queued record to an enterprise inside your jurisdiction (a candidate or not); the decision is kept for later records of the same source identity and the enterprise's score is re-derived (STEWARD, audited)",
  })
  async linkRecord(
    @Ctx() ctx: HubContext,
    @Arg('id', () => ID, { description: 'The queue entry id' }) id: string,
    @Arg('creditCode', () => String, { description: 'The enterprise the record names (inside your jurisdiction)' }) creditCode: string,
  ) {
    return (await asGraphQL(() => ctx.services.resolution.link(ctx.caller, id, creditCode))).entry;
  }

  @Authorized('STEWARD')
  @Mutation(() => ResolutionQueueEntry, {
    description:
      'Rejects the candidates of a queued record (all, or those given): it is quarantined with your reason, and later records of the same source identity are resolved without them (STEWARD, audited)',
  })
  async rejectCandidates(
    @Ctx() ctx: HubContext,
    @Arg('id', () => ID, { description: 'The queue entry id' }) id: string,
    @Arg('creditCodes', () => [String], { nullable: true, description: 'The candidates to reject; all of them when omitted' }) creditCodes?: string[] | null,
  ) {
    return (await asGraphQL(() => ctx.services.resolution.reject(ctx.caller, id, creditCodes))).entry;
  }

  @Authorized('STEWARD')
  @Mutation(() => UnlinkResult, {
    description:
      'Undoes the link of a record without a valid credit code (made by any key or a steward): its deductions leave the enterprise, every score, tag and warning it touched is re-derived, and the record is resolved again without that enterprise (STEWARD, audited)',
  })
  async unlinkRecord(
    @Ctx() ctx: HubContext,
    @Arg('connectorId', () => String, { description: 'The connector that fetched the record, e.g. enforcement' }) connectorId: string,
    @Arg('sourceId', () => String, { description: "The record's id in its source (record_id, case number)" }) sourceId: string,
  ) {
    return asGraphQL(() => ctx.services.resolution.unlink(ctx.caller, connectorId, sourceId));
  }
}
