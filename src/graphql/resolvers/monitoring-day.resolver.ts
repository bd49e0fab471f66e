import { EnterpriseRow } from '../../enterprises/enterprise.model';
import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { dateArg } from '../../domain/china-date';
import { MONITORING_DAYS_MAX_RANGE, checkMonitoringRange } from '../../monitoring/monitoring-day.service';
import { HubContext } from '../context';
import { DateScalar } from '../scalars';
import { Enterprise } from '../types/enterprise.type';
import { MonitoringDay } from '../types/monitoring-day.type';

/** `Enterprise.monitoringDays`: daily summaries from the monitoring store, batched per request. */
@Resolver(() => Enterprise)
export class EnterpriseMonitoringDaysResolver {
  @FieldResolver(() => [MonitoringDay], {
    description: `Daily monitoring summaries from \`from\` to \`to\` (both inclusive, China dates, at most ${MONITORING_DAYS_MAX_RANGE} days), by date, outlet and pollutant; only pollutant \`pollutantCode\` when given`,
  })
  monitoringDays(
    @Root() e: EnterpriseRow,
    @Ctx() ctx: HubContext,
    @Arg('from', () => DateScalar, { description: 'First day (China date, inclusive)' }) from: Date,
    @Arg('to', () => DateScalar, { description: `Last day (China date, inclusive); at most ${MONITORING_DAYS_MAX_RANGE} days after from` }) to: Date,
    @Arg('pollutantCode', () => String, { nullable: true, description: 'Only this pollutant (HJ 212 code, e.g. a21026 SO₂); default every pollutant' })
    pollutantCode?: string | null,
  ) {
    const args = { from: dateArg(from, 'from')!, to: dateArg(to, 'to')!, pollutantCode: pollutantCode ?? null };
    checkMonitoringRange(args.from, args.to);
    return ctx.loaders.monitoringDays.of(args).load(e.creditCode);
  }
}
