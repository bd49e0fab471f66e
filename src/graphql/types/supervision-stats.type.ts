import { ArgsType, Field, Float, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../scalars';
import { RiskLevel } from './enums';

/** Per warning type. */
@ObjectType({ description: 'One warning type in the period: how often it was raised, confirmed by a violation, and followed by an inspection' })
export class WarningTypeStats {
  @Field({ description: 'Warning type (RISK_UP, SCORE_DROP, EXCEED_TREND, DATA_GAP, PERMIT_EXPIRING, FORECAST_HIGH, REALTIME_EXCEED)' }) type!: string;
  @Field(() => Int, { description: 'Warnings raised in the period for enterprises of the division' }) raised!: number;
  @Field(() => Int, { description: 'Of those, followed within 30 days by a confirmed violation (an inspection finding VIOLATION or NO_PERMIT, or a measure)' })
  confirmed!: number;
  @Field(() => Float, { nullable: true, description: 'confirmed / raised (0–1); null when none was raised' }) confirmedShare!: number | null;
  @Field(() => Int, { description: 'Of those, followed by an inspection (on or after the warning’s date)' }) inspected!: number;
  @Field(() => Float, { nullable: true, description: 'Median days from the warning to the first inspection after it; null when none followed' })
  medianDaysToInspection!: number | null;
}

/** A violation rate with its interval. */
@ObjectType({ description: 'The violation rate random inspections (双随机) found among enterprises of one risk level, with its 95 % Wilson interval' })
export class RiskLevelRate {
  @Field(() => RiskLevel, { description: 'The risk level (as the plan’s pool recorded it, or as the candidate rule set would have assigned it)' })
  riskLevel!: RiskLevel;
  @Field(() => Int, { description: 'Random inspections of enterprises of this level in the period' }) inspections!: number;
  @Field(() => Int, { description: 'Of those, inspections finding VIOLATION or NO_PERMIT' }) violations!: number;
  @Field(() => Float, { nullable: true, description: 'violations / inspections (0–1); null without inspections' }) rate!: number | null;
  @Field(() => Float, { nullable: true, description: 'Lower bound of the 95 % Wilson score interval of the rate' }) low!: number | null;
  @Field(() => Float, { nullable: true, description: 'Upper bound of the 95 % Wilson score interval of the rate' }) high!: number | null;
}

/** One quarter of a county's plans. */
@ObjectType({ description: 'Completion of a county’s random-inspection plan items in one quarter (corrected plans left out)' })
export class QuarterPlanCompletion {
  @Field({ description: 'Quarter, e.g. 2026Q4' }) quarter!: string;
  @Field(() => Int, { description: 'Enterprises drawn for the county that quarter' }) items!: number;
  @Field(() => Int, { description: 'Of those, inspected (DONE)' }) done!: number;
  @Field(() => Float, { nullable: true, description: 'done / items (0–1)' }) completion!: number | null;
}

/** One county. */
@ObjectType({ description: 'One county of the division: supervision tasks created in the period and its plans’ completion per quarter' })
export class CountySupervisionStats {
  @Field({ description: 'Division code of the county' }) divisionCode!: string;
  @Field({ description: 'Name of the county' }) name!: string;
  @Field(() => Int, { description: 'Tasks created in the period' }) tasksCreated!: number;
  @Field(() => Int, { description: 'Of those, done with an inspection on or before the first deadline' }) tasksOnTime!: number;
  @Field(() => Int, { description: 'Of those, escalated at least once (to the city or the province)' }) tasksEscalated!: number;
  @Field(() => Int, { description: 'Of those, not done yet' }) tasksOpen!: number;
  @Field(() => [QuarterPlanCompletion], { description: 'Plan completion per quarter overlapping the period, oldest first' }) plans!: QuarterPlanCompletion[];
}

/** The candidate's rates. */
@ObjectType({ description: 'The same random inspections by the risk level a candidate rule set would have assigned the day before each plan date' })
export class CandidateRiskRates {
  @Field({ description: 'Version of the candidate rule set' }) ruleSetVersion!: string;
  @Field(() => [RiskLevelRate], { description: 'Violation rates by the candidate’s risk level, HIGH first' }) riskLevels!: RiskLevelRate[];
}

/** The analysis of a division's supervision. */
@ObjectType({
  description:
    'Is the score right? Warnings, random-inspection violation rates per risk level, and county dispatch, for a division and period (spec supervision §3)',
})
export class SupervisionStats {
  @Field({ description: 'The division (its whole subtree)' }) divisionCode!: string;
  @Field(() => DateScalar, { description: 'First day of the period (China time)' }) from!: string;
  @Field(() => DateScalar, { description: 'Last day of the period (China time, inclusive)' }) to!: string;
  @Field(() => [WarningTypeStats], { description: 'Per warning type raised in the period' }) warningTypes!: WarningTypeStats[];
  @Field(() => [RiskLevelRate], { description: 'Violation rates found by random inspections in the period, by the risk level at the plan date, HIGH first' })
  riskLevels!: RiskLevelRate[];
  @Field(() => [CountySupervisionStats], { description: 'Every county of the division' }) counties!: CountySupervisionStats[];
  @Field(() => CandidateRiskRates, {
    nullable: true,
    description: 'With candidateRuleSetId: the same rates by the candidate’s levels (does it separate better?)',
  })
  candidate!: CandidateRiskRates | null;
}

/** The arguments of `supervisionStats`: the division, the period and a rule set to compare. */
@ArgsType()
export class SupervisionStatsArgs {
  @Field({ description: 'Division (province, city or county) inside your jurisdiction' }) divisionCode!: string;
  @Field(() => DateScalar, { description: 'First day of the period (YYYY-MM-DD, China time)' }) from!: Date;
  @Field(() => DateScalar, { description: 'Last day of the period (inclusive; at most ten years after from)' }) to!: Date;
  @Field(() => String, { nullable: true, description: 'Version of a loaded rule set to compare (RuleSet.version)' }) candidateRuleSetId?: string | null;
}
