import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar, DateTimeScalar } from '../scalars';
import { RiskLevel } from './enums';

/** One scoring rule of a rule set. */
@ObjectType({ description: 'A scoring rule: points deducted per occurrence of its trigger' })
export class Rule {
  @Field({ description: 'Rule code, e.g. ENF_SUSPEND (责令停产整治 order to suspend production) or PEN_DAILY (按日连续处罚 daily consecutive penalty)' })
  code!: string;

  @Field(() => Int, { description: 'Points deducted per occurrence (累计扣分: occurrences add up), e.g. 24 for ENF_SUSPEND in SD-2021' }) points!: number;
  @Field({ description: 'What triggers the rule, in words (Chinese term and English meaning)' }) description!: string;
  @Field({ description: 'Trigger family: ENFORCEMENT, PENALTY, MONITORING_EXCEED, MONITORING_MISSING or PERMIT_EXPIRED' }) family!: string;
  @Field({ description: 'The trigger definition as JSON text' }) trigger!: string;
}

/** A versioned rule set: rules, window and risk thresholds. */
@ObjectType({ description: 'A versioned scoring rule set' })
export class RuleSet {
  @Field({ description: 'Version name, e.g. SD-2021 (the shipped default); every stored score names the version that made it' }) version!: string;
  @Field(() => String, { nullable: true, description: 'Human-readable title; null when the definition gives none' }) title!: string | null;
  @Field(() => [Rule], { description: 'The scoring rules (扣分规则) of this version' }) rules!: Rule[];
  @Field(() => [Int], { description: '[low, medium]: LOW for score ≥ low, MEDIUM for medium ≤ score < low, HIGH below' }) riskThresholds!: number[];

  @Field(() => Int, { description: 'Rolling window in days: an event dated d counts at asOf when asOf − windowDays < d ≤ asOf (SD-2021: 1095, three years)' })
  windowDays!: number;

  @Field(() => Int, { description: 'Full marks (满分) a score starts from before deductions (SD-2021: 100)' }) fullMarks!: number;
  @Field({ description: 'Whether this is the version scores are computed with now (exactly one is)' }) active!: boolean;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was last activated; null if never' }) activatedAt!: Date | null;
}

/** An enterprise whose risk level a candidate rule set would change. */
@ObjectType({ description: 'An enterprise whose risk level a candidate rule set would change' })
export class RiskChange {
  @Field({ description: 'Unified social credit code (统一社会信用代码) of the enterprise' }) creditCode!: string;
  @Field({ description: 'Registered name (企业名称) of the enterprise' }) name!: string;
  @Field(() => Int, { description: 'Score under the active rule set' }) currentScore!: number;
  @Field(() => RiskLevel, { description: 'Risk level under the active rule set' }) currentRiskLevel!: RiskLevel;
  @Field(() => Int, { description: 'Score the previewed rule set would give' }) newScore!: number;
  @Field(() => RiskLevel, { description: 'Risk level the previewed rule set would give' }) newRiskLevel!: RiskLevel;
}

/** A transition count of a preview, e.g. LOW → MEDIUM: 12. */
@ObjectType({ description: 'How many enterprises move from one risk level to another (风险等级变化) under a previewed rule set' })
export class RiskTransition {
  @Field(() => RiskLevel, { description: 'Risk level under the active rule set' }) from!: RiskLevel;
  @Field(() => RiskLevel, { description: 'Risk level under the previewed rule set' }) to!: RiskLevel;
  @Field(() => Int, { description: 'Enterprises that move from `from` to `to`' }) count!: number;
}

/** What activating a candidate rule set would change, inside the caller's jurisdiction; nothing is stored. */
@ObjectType({ description: 'What-if of a candidate rule set against the live scores (read-only)' })
export class RuleSetPreview {
  @Field({ description: 'The previewed (candidate) rule-set version' }) version!: string;
  @Field({ description: 'The active version the live scores come from' }) comparedWith!: string;
  @Field(() => DateScalar, { description: 'Date (China time) both rule sets are evaluated at: today' }) asOf!: string;
  @Field(() => Int, { description: 'Enterprises compared (those inside your jurisdiction)' }) enterprises!: number;
  @Field(() => Int, { description: 'How many enterprises would get a different score' }) scoreChanges!: number;
  @Field(() => Int, { description: 'How many enterprises would change risk level' }) riskChanges!: number;
  @Field(() => [RiskTransition], { description: 'Counts per (from, to) pair of risk levels that change' }) transitions!: RiskTransition[];
  @Field(() => [RiskChange], { description: 'Which ones (by credit code, up to `first`)' }) changes!: RiskChange[];
}
