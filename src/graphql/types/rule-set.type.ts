import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar, DateTimeScalar } from '../scalars';
import { RiskLevel } from './enums';

/** One scoring rule of a rule set. */
@ObjectType({ description: 'A scoring rule: points deducted per occurrence of its trigger' })
export class Rule {
  @Field()
  code!: string;

  @Field(() => Int)
  points!: number;

  @Field()
  description!: string;

  @Field({ description: 'Trigger family: ENFORCEMENT, PENALTY, MONITORING_EXCEED, MONITORING_MISSING or PERMIT_EXPIRED' })
  family!: string;

  @Field({ description: 'The trigger definition as JSON text' })
  trigger!: string;
}

/** A versioned rule set: rules, window and risk thresholds. */
@ObjectType({ description: 'A versioned scoring rule set' })
export class RuleSet {
  @Field()
  version!: string;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => [Rule])
  rules!: Rule[];

  @Field(() => [Int], { description: '[low, medium]: LOW for score ≥ low, MEDIUM for medium ≤ score < low, HIGH below' })
  riskThresholds!: number[];

  @Field(() => Int)
  windowDays!: number;

  @Field(() => Int)
  fullMarks!: number;

  @Field()
  active!: boolean;

  @Field(() => DateTimeScalar, { nullable: true })
  activatedAt!: Date | null;
}

/** An enterprise whose risk level a candidate rule set would change. */
@ObjectType({ description: 'An enterprise whose risk level a candidate rule set would change' })
export class RiskChange {
  @Field()
  creditCode!: string;

  @Field()
  name!: string;

  @Field(() => Int)
  currentScore!: number;

  @Field(() => RiskLevel)
  currentRiskLevel!: RiskLevel;

  @Field(() => Int)
  newScore!: number;

  @Field(() => RiskLevel)
  newRiskLevel!: RiskLevel;
}

/** A transition count of a preview, e.g. LOW → MEDIUM: 12. */
@ObjectType({ description: 'How many enterprises move from one risk level to another (风险等级变化) under a previewed rule set' })
export class RiskTransition {
  @Field(() => RiskLevel, { description: 'Risk level under the active rule set' })
  from!: RiskLevel;

  @Field(() => RiskLevel, { description: 'Risk level under the previewed rule set' })
  to!: RiskLevel;

  @Field(() => Int, { description: 'Enterprises that move from `from` to `to`' })
  count!: number;
}

/** What activating a candidate rule set would change, inside the caller's jurisdiction; nothing is stored. */
@ObjectType({ description: 'What-if of a candidate rule set against the live scores (read-only)' })
export class RuleSetPreview {
  @Field()
  version!: string;

  @Field({ description: 'The active version the live scores come from' })
  comparedWith!: string;

  @Field(() => DateScalar)
  asOf!: string;

  @Field(() => Int)
  enterprises!: number;

  @Field(() => Int)
  scoreChanges!: number;

  @Field(() => Int, { description: 'How many enterprises would change risk level' })
  riskChanges!: number;

  @Field(() => [RiskTransition])
  transitions!: RiskTransition[];

  @Field(() => [RiskChange], { description: 'Which ones (by credit code, up to `first`)' })
  changes!: RiskChange[];
}
