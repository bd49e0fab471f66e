import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar, DateTimeScalar } from '../scalars';
import { RiskLevel } from './enums';

/** One deduction of a health report: the rule, its points, the event date and the source record that caused it. */
@ObjectType({ description: 'A deduction (扣分项): rule, points, date and the source record that caused it' })
export class Deduction {
  @Field({ description: 'Rule code, e.g. ENF_SUSPEND' }) rule!: string;
  @Field(() => Int, { description: 'Points deducted (扣分) by this occurrence, per the rule set (e.g. ENF_SUSPEND 24 in SD-2021); positive' }) points!: number;
  @Field(() => DateScalar, { description: 'Event date (China time)' }) date!: string;
  @Field({ description: 'Source system: permit, enforcement, penalty or monitoring' }) system!: string;
  @Field({ description: 'Id of the record in its source system (monitoring: outlet/pollutant/date or outlet/date; permit: permit number)' }) recordId!: string;
}

/** An enterprise's health report at a date: score, risk, the rule-set version and every deduction. */
@ObjectType({ description: 'Health report (体检报告) at a date' })
export class HealthReport {
  @Field(() => Int, { description: 'Full marks minus the deductions; no floor' }) score!: number;
  @Field(() => RiskLevel, { description: 'Risk level (风险等级) of this score under the rule set’s thresholds' }) riskLevel!: RiskLevel;

  @Field(() => DateScalar, { description: 'The date (China time) the report is computed for: deductions dated in the window ending that day count' })
  asOf!: string;

  @Field({ description: 'Rule-set version that made this report' }) ruleSetVersion!: string;
  @Field({ description: 'stored (today, materialised), live (derived from current records) or as-known (records as known at knownAt)' }) basis!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'For as-known reports: the instant whose knowledge of the records was used' })
  knownAt!: Date | null;

  @Field(() => [Deduction], {
    description: 'Every deduction (扣分项) that counts at asOf, each naming its rule, points, date and source record; empty for full marks',
  })
  deductions!: Deduction[];
}

/** A point of the score history: a change of score or risk level, with its cause. */
// simpleResolvers: property fields use graphql's default resolver instead of a type-graphql wrapper per field and row
// (these fields have no middleware or @Authorized; @FieldResolver fields keep theirs).
@ObjectType({ description: 'A change of score or risk level', simpleResolvers: true })
export class ScorePoint {
  @Field(() => DateTimeScalar, { description: 'When the hub recorded the change' }) at!: Date;
  @Field(() => Int, { description: 'Health score after the change (no floor)' }) score!: number;
  @Field(() => RiskLevel, { description: 'Risk level (风险等级) after the change' }) riskLevel!: RiskLevel;
  @Field(() => Int, { nullable: true, description: 'Score before the change; null for the first scoring' }) previousScore!: number | null;
  @Field(() => RiskLevel, { nullable: true, description: 'Risk level before the change; null for the first scoring' }) previousRiskLevel!: RiskLevel | null;
  @Field({ description: 'Rule-set version that computed this score, e.g. SD-2021' }) ruleSetVersion!: string;
  @Field({ description: 'SYNC, RESCORE or RULE_SET_ACTIVATION' }) cause!: string;
  @Field(() => String, { nullable: true, description: 'Scoring run id or rule-set version' }) causeRef!: string | null;
}
