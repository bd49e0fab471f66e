import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../scalars';

/** One daily summary of an outlet and pollutant from the monitoring store. */
@ObjectType({
  description:
    'A daily summary (在线监测日数据) of one outlet and pollutant: from the online monitoring platform, or derived by the HJ 212 gateway from hourly values until the platform’s arrives (provisional)',
})
export class MonitoringDay {
  @Field(() => DateScalar, { description: 'The date (China time)' }) date!: string;

  @Field(() => String, { description: 'Outlet code (排放口编号) within the enterprise: DA… flue gas (废气), DW… wastewater (废水), e.g. DA001' })
  outletCode!: string;

  @Field(() => String, { description: 'HJ 212-2017 pollutant code: a21026 SO₂, a21002 NOₓ, a34013 particulates, w01018 COD, w21003 ammonia nitrogen' })
  pollutantCode!: string;

  @Field(() => Int, { description: 'Valid hours of the day (0–24); under 20 makes the outlet-day a MON_MISSING deduction' }) validHours!: number;
  @Field(() => Int, { description: 'Hours above the limit (0–24); 1 or more makes the day a MON_EXCEED deduction' }) exceedHours!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Daily mean concentration, in the unit of the limit (mg/m³ for flue gas, mg/L for wastewater); null when no valid hour',
  })
  dailyMean!: number | null;

  @Field(() => Float, { nullable: true, description: 'The limit the platform applied' }) limit!: number | null;
  @Field(() => Boolean, { description: 'Derived by the gateway from hourly values; false once the platform’s official summary arrived' }) provisional!: boolean;
}
