import { GraphQLError } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { inSubtree } from '../../domain/jurisdiction';
import { EnterpriseRow } from '../../enterprises/enterprise.model';
import { ScoreChangeEvent, WarningRaisedEvent } from '../../realtime/change-feed';
import { TOPICS, filterStream, hubPubSub, scopedTopic } from '../../realtime/hub-pubsub';
import { WarningFilterInput } from '../../warnings/warning.service';
import { WARNING_TYPES, WarningType } from '../../domain/vocabulary';
import { HubContext } from '../context';
import { forwardPageSize } from '../types/connection.type';
import { enterpriseInScope } from './scoped-lists';
import { keyOf, toGlobalId } from '../relay/global-id';
import { Enterprise } from '../types/enterprise.type';
import {
  ScoreChangedArgs,
  Warning,
  WarningConnection,
  WarningCount,
  WarningFilter,
  WarningListArgs,
  WarningRaisedArgs,
  WarningStatus,
  WarningStepArgs,
  WarningTypeEnum,
} from '../types/warning.type';
import { warningView } from '../views';

function filterOf(f?: WarningFilter | null): WarningFilterInput {
  return {
    types: f?.types,
    status: f?.status as WarningFilterInput['status'],
    divisionCode: f?.divisionCode,
    creditCode: f?.creditCode,
    severities: f?.severities,
  };
}

/** Checks a subscription's division argument: known and inside the caller's jurisdiction. */
function requireDivisionInScope(ctx: HubContext, code: string | null | undefined, field: string) {
  if (!code) return null;
  const d = ctx.services.divisions.get(code);
  if (!d) throw new GraphQLError(`${field} '${code}' is not a known division code`, { extensions: { code: 'BAD_USER_INPUT' } });
  if (!ctx.services.divisions.contains(ctx.scope.divisionCode, d.code)) {
    throw new GraphQLError(`${field} '${code}' is outside your jurisdiction (${ctx.scope.divisionCode})`, { extensions: { code: 'FORBIDDEN' } });
  }
  return { divisionCode: d.code, level: d.level };
}

/** Warnings: list, counts, workflow and the `warningRaised` subscription, always inside the caller's jurisdiction. */
@Resolver(() => Warning)
export class WarningResolver {
  @Query(() => WarningConnection, {
    description:
      'Warnings (预警) inside your jurisdiction, newest first, in Relay pages: first/after pages on to older warnings, last/before back to newer ones',
  })
  async warnings(@Ctx() ctx: HubContext, @Args(() => WarningListArgs) args: WarningListArgs): Promise<WarningConnection> {
    const { filter, after, last, before } = args;
    const page = await ctx.services.warnings.workflow.list(ctx.scope, filterOf(filter), forwardPageSize(args), after, last, before);
    return {
      edges: page.edges.map((e) => ({ cursor: e.cursor, node: warningView(e.node) })),
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: page.edges[0]?.cursor ?? null,
        endCursor: page.endCursor,
      },
      count: page.totalCount,
    };
  }

  @Query(() => [WarningCount], { description: 'Warnings per type and status inside your jurisdiction (pairs with none are left out)' })
  warningCounts(
    @Ctx() ctx: HubContext,
    @Arg('filter', () => WarningFilter, { nullable: true, description: 'Conditions the counted warnings meet; none: every warning inside your jurisdiction' })
    filter?: WarningFilter | null,
  ) {
    return ctx.services.warnings.workflow.counts(ctx.scope, filterOf(filter));
  }

  @Query(() => [WarningTypeEnum], { description: 'The warning types the hub detects' })
  warningTypes(): WarningType[] {
    return [...WARNING_TYPES];
  }

  @Authorized('BUREAU')
  @Mutation(() => Warning, { description: 'OPEN → ACKNOWLEDGED, with your key name, the time and a note (BUREAU, inside your jurisdiction)' })
  async acknowledgeWarning(@Ctx() ctx: HubContext, @Args(() => WarningStepArgs) { id, note }: WarningStepArgs) {
    return warningView(await ctx.services.warnings.workflow.acknowledge(ctx.caller, keyOf(id, 'Warning'), note));
  }

  @Authorized('BUREAU')
  @Mutation(() => Warning, { description: 'OPEN or ACKNOWLEDGED → RESOLVED, with your key name, the time and a note (BUREAU, inside your jurisdiction)' })
  async resolveWarning(@Ctx() ctx: HubContext, @Args(() => WarningStepArgs) { id, note }: WarningStepArgs) {
    return warningView(await ctx.services.warnings.workflow.resolve(ctx.caller, keyOf(id, 'Warning'), note));
  }

  @FieldResolver(() => ID, { description: 'Global, opaque id of this warning; pass it to node(id)' })
  id(@Root() w: Warning): string {
    return toGlobalId('Warning', w.id);
  }

  @FieldResolver(() => ID, {
    description:
      "The warning's number in the hub (increasing: newer warnings have larger numbers); acknowledgeWarning and resolveWarning take it or the global id",
  })
  warningId(@Root() w: Warning): string {
    return w.id;
  }

  @FieldResolver(() => Enterprise, { description: 'The enterprise the warning is about (inside your jurisdiction, as every warning you can see)' })
  enterprise(@Root() w: Warning, @Ctx() ctx: HubContext) {
    return enterpriseInScope(ctx, w.creditCode, `warning ${w.id} concerns an enterprise outside your jurisdiction`);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'What the warning concerns inside the enterprise: outlet/pollutant (EXCEED_TREND), outlet (DATA_GAP), permit number (PERMIT_EXPIRING); null for the enterprise as a whole',
  })
  subject(@Root() w: Warning): string | null {
    return w.subject || null;
  }

  @Subscription(() => Warning, {
    description: 'New warnings inside your jurisdiction (and the filter), pushed within a second of the commit that raised them, from any hub process',
    subscribe: ({ args, context }) => {
      const ctx = context as HubContext;
      const f = (args.filter ?? null) as WarningFilter | null;
      const division = requireDivisionInScope(ctx, f?.divisionCode, 'filter.divisionCode');
      const unknown = (f?.types ?? []).filter((t) => !(WARNING_TYPES as readonly string[]).includes(t));
      if (unknown.length) throw new GraphQLError(`filter.types: unknown warning type ${unknown.join(', ')}`, { extensions: { code: 'BAD_USER_INPUT' } });
      // The feed publishes to this key only what the caller's jurisdiction selects in SQL; the rest is the caller's own filter.
      return filterStream(hubPubSub.subscribe(scopedTopic(TOPICS.warningRaised, ctx.scope)), (e) => {
        const w = (e as WarningRaisedEvent).warning;
        return (
          (!division || inSubtree(division, w.divisionCode)) &&
          (!f?.types?.length || f.types.includes(w.type)) &&
          (!f?.status?.length || f.status.includes(w.status as WarningStatus)) &&
          (!f?.severities?.length || f.severities.includes(w.severity)) &&
          (!f?.creditCode || f.creditCode === w.creditCode)
        );
      });
    },
  })
  warningRaised(@Root() event: WarningRaisedEvent, @Args(() => WarningRaisedArgs) _args: WarningRaisedArgs): Warning {
    return warningView(event.warning);
  }

  @Subscription(() => Enterprise, {
    description:
      'Enterprises whose score or risk level changed, inside your jurisdiction (or the division given, which must lie inside it), from any hub process',
    subscribe: ({ args, context }) => {
      const ctx = context as HubContext;
      const division = requireDivisionInScope(ctx, args.divisionCode as string | null, 'divisionCode');
      // The feed publishes to this key only what the caller's jurisdiction selects in SQL; the rest is the caller's own filter.
      return filterStream(hubPubSub.subscribe(scopedTopic(TOPICS.scoreChanged, ctx.scope)), (e) => {
        const d = (e as ScoreChangeEvent).enterprise.divisionCode;
        return !division || inSubtree(division, d);
      });
    },
  })
  scoreChanged(@Root() event: ScoreChangeEvent, @Args(() => ScoreChangedArgs) _args: ScoreChangedArgs): EnterpriseRow {
    // The row was read by the change feed with this subscriber's jurisdiction in its SQL (one statement per
    // jurisdiction with subscribers). Nested fields read through this event's own loaders, which put the
    // jurisdiction in their SQL too.
    return event.enterprise;
  }
}

/** `Enterprise.warnings(status)`. */
@Resolver(() => Enterprise)
export class EnterpriseWarningsResolver {
  @FieldResolver(() => [Warning], { description: 'Warnings of this enterprise, newest first, optionally in one status' })
  async warnings(
    @Root() e: EnterpriseRow,
    @Ctx() ctx: HubContext,
    @Arg('status', () => WarningStatus, { nullable: true, description: 'Only warnings in this workflow state; absent: every state' })
    status?: WarningStatus | null,
  ) {
    return (await ctx.loaders.enterpriseWarnings.of(status ?? null).load(e.creditCode)).map(warningView);
  }
}

/** Connection field that costs a query of its own. */
@Resolver(() => WarningConnection)
export class WarningConnectionResolver {
  @FieldResolver(() => Int, { description: 'Warnings matching the filter inside your jurisdiction' })
  totalCount(@Root() page: WarningConnection) {
    return page.count();
  }
}
