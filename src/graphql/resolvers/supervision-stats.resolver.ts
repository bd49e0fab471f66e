import { GraphQLError } from 'graphql';
import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { dateArg } from '../../domain/china-date';
import { HubContext } from '../context';
import { SupervisionStats, SupervisionStatsArgs } from '../types/supervision-stats.type';
import { divisionInScope } from './scoped-lists';

/** The supervision analysis (spec supervision §3): one thin call into the stats service. */
@Resolver(() => SupervisionStats)
export class SupervisionStatsResolver {
  @Authorized('BUREAU')
  @Query(() => SupervisionStats, {
    description:
      'Warnings, random-inspection violation rates per risk level (95 % Wilson intervals) and county dispatch for a division inside your jurisdiction (BUREAU)',
  })
  async supervisionStats(@Ctx() ctx: HubContext, @Args(() => SupervisionStatsArgs) args: SupervisionStatsArgs): Promise<SupervisionStats> {
    const { divisionCode, from, to, candidateRuleSetId } = args;
    const code = divisionInScope(ctx, divisionCode);
    if (!code) throw new GraphQLError('divisionCode is required', { extensions: { code: 'BAD_USER_INPUT', argument: 'divisionCode' } });
    const division = { divisionCode: code, level: ctx.services.divisions.get(code)!.level };
    return ctx.services.supervisionStats.stats(division, dateArg(from, 'from')!, dateArg(to, 'to')!, candidateRuleSetId) as Promise<SupervisionStats>;
  }
}
