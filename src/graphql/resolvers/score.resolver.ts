import { EnterpriseRow } from '../../enterprises/enterprise.model';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { UnknownDivisionError } from '../../divisions/division-directory';
import { HealthReportData } from '../../scoring/health-report.service';
import { dateArg } from '../../domain/china-date';
import { divisionAt } from '../../domain/jurisdiction';
import { HubContext } from '../context';
import { DateScalar, DateTimeScalar } from '../scalars';
import { Enterprise } from '../types/enterprise.type';
import { HealthReport, ScorePoint } from '../types/health-report.type';

/** The rank scope for `rankInDivision`: the given division (inside the caller's) or the caller's own. */
function divisionScope(ctx: HubContext, divisionCode?: string | null): string {
  if (!divisionCode) return ctx.scope.divisionCode;
  const d = ctx.services.divisions.require(divisionCode, 'divisionCode');
  if (!ctx.services.divisions.contains(ctx.scope.divisionCode, d.code)) {
    throw new UnknownDivisionError(`divisionCode '${divisionCode}' is outside your jurisdiction (${ctx.scope.divisionCode})`);
  }
  return d.code;
}

/** Score fields of Enterprise: rank, health report, history. Each goes through the request's score loaders. */
@Resolver(() => Enterprise)
export class ScoreResolver {
  @FieldResolver(() => Int, { description: 'Province-wide rank by score ascending (1 = lowest score, riskiest); ties by credit code' })
  async rank(@Root() e: EnterpriseRow, @Ctx() ctx: HubContext): Promise<number> {
    return (await ctx.loaders.rank.load({ creditCode: e.creditCode, scope: divisionAt(e.divisionCode, 'PROVINCE') }))!;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: 'Rank within a division (default: your jurisdiction; a city or county inside it); null when the enterprise lies outside it',
  })
  rankInDivision(
    @Root() e: EnterpriseRow,
    @Ctx() ctx: HubContext,
    @Arg('divisionCode', () => String, {
      nullable: true,
      description: 'Six-digit code of a division inside your jurisdiction (city or county); default: your own. One outside it is an error',
    })
    divisionCode?: string | null,
  ) {
    return ctx.loaders.rank.load({ creditCode: e.creditCode, scope: divisionScope(ctx, divisionCode) });
  }

  @FieldResolver(() => HealthReport, {
    description: 'Health report as of a date (default today, China time); past dates are recomputed from the records as known then',
  })
  healthReport(
    @Root() e: EnterpriseRow,
    @Ctx() ctx: HubContext,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'Date of the report (China time); default today' }) asOf?: Date | null,
    @Arg('knownAt', () => DateTimeScalar, { nullable: true, description: 'Use the records as the hub knew them at this instant (audit)' })
    knownAt?: Date | null,
  ): Promise<HealthReportData> {
    return ctx.loaders.scoreReport.load({ creditCode: e.creditCode, asOf: dateArg(asOf), knownAt: knownAt ?? undefined });
  }

  @FieldResolver(() => [ScorePoint], { description: 'Every change of score or risk level with its time and cause, oldest first' })
  scoreHistory(
    @Root() e: EnterpriseRow,
    @Ctx() ctx: HubContext,
    @Arg('from', () => DateTimeScalar, { nullable: true, description: 'Earliest change included (inclusive); default: from the first scoring' })
    from?: Date | null,
    @Arg('to', () => DateTimeScalar, { nullable: true, description: 'Latest change included (inclusive); default: up to now' }) to?: Date | null,
  ) {
    return ctx.loaders.scoreHistory.load({ creditCode: e.creditCode, from, to });
  }
}
