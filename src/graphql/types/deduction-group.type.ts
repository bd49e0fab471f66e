import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../scalars';
import { Deduction } from './health-report.type';

/**
 * Deductions of one rule grouped for reading (`HealthReport.deductionGroups`): a month of an outlet's (and pollutant's)
 * monitoring deductions, or one other deduction alone; `days` lists the group's deductions when a client asks for them.
 */
@ObjectType({ description: 'Deductions grouped (扣分汇总): one outlet’s (and pollutant’s) monitoring days of a month, or one other deduction alone' })
export class DeductionGroup {
  @Field({ description: 'Rule code, e.g. MON_EXCEED' }) rule!: string;
  @Field({ description: 'Source system: permit, enforcement, penalty or monitoring' }) system!: string;
  @Field({ description: 'Month of the deductions, YYYY-MM (China time)' }) month!: string;
  @Field(() => String, { nullable: true, description: 'Monitoring: the outlet (排放口) code; null for other systems' }) outletCode!: string | null;
  @Field(() => String, { nullable: true, description: 'MON_EXCEED: the pollutant code; null for MON_MISSING and other systems' }) pollutantCode!: string | null;
  @Field(() => Int, { description: 'Deductions in the group (days, for monitoring)' }) count!: number;
  @Field(() => Int, { description: 'Points of all the group’s deductions; the groups’ points add up to full marks minus the score' }) points!: number;
  @Field(() => DateScalar, { description: 'Date of the group’s first deduction (China time)' }) from!: string;
  @Field(() => DateScalar, { description: 'Date of the group’s last deduction (China time)' }) to!: string;
  @Field(() => [Deduction], { description: 'The group’s deductions, oldest first, each as HealthReport.deductions lists it; ask only when you show them' })
  days!: Deduction[];
}
