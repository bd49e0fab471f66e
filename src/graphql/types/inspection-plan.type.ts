import { JSONObjectResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';
import { PageInfo } from './enterprise-connection.type';

/** An inspector as a bureau sees it (never public). */
@ObjectType({ description: 'An inspector of a county bureau (visible to bureaus inside their jurisdiction, never public)' })
export class PlanInspector {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Null when the inspector is outside your jurisdiction' })
  name!: string | null;
}

/** The inspection that closed a plan item. */
@ObjectType({ description: 'An inspection reported by the enforcement system for a drawn enterprise, on or after the plan date' })
export class PlanInspection {
  @Field()
  recordId!: string;

  @Field({ description: 'Date of the inspection (YYYY-MM-DD)' })
  date!: string;

  @Field(() => String, { nullable: true, description: 'NONE, VIOLATION or NO_PERMIT' })
  finding!: string | null;
}

/** One drawn enterprise. */
@ObjectType({ description: 'An enterprise drawn in a random-inspection plan, with its inspectors and outcome' })
export class InspectionPlanItem {
  @Field(() => Int, { description: 'Position in the plan (1-based)' })
  position!: number;

  creditCode!: string;
  inspectorIds!: string[];

  @Field({ description: 'Policy class the enterprise was drawn in (SD-INSPECT-2021: A 100 %, B 25 %, C 5 %)' })
  class!: string;

  @Field({ description: 'PLANNED until the enforcement system reports an inspection on or after the plan date, then DONE' })
  status!: string;

  @Field(() => PlanInspection, { nullable: true })
  inspection!: PlanInspection | null;
}

@ObjectType({ description: 'A drawn enterprise of an inspection plan (抽查计划), with its cursor (Relay edge)' })
export class InspectionPlanItemEdge {
  @Field()
  cursor!: string;

  @Field(() => InspectionPlanItem)
  node!: InspectionPlanItem;
}

@ObjectType({ description: 'A page of plan items (inside your jurisdiction)' })
export class InspectionPlanItemConnection {
  @Field(() => Int)
  totalCount!: number;

  @Field(() => [InspectionPlanItemEdge])
  edges!: InspectionPlanItemEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

/** A drawn, immutable random-inspection plan. */
@ObjectType({ description: 'A random-inspection plan (双随机、一公开): drawn once from a published seed, immutable, recomputable with `hub plan verify`' })
export class InspectionPlan {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Quarter, e.g. 2026Q4' })
  quarter!: string;

  @Field({ description: 'Division the plan covers (a city plan covers its counties)' })
  divisionCode!: string;

  @Field({ description: 'The published seed' })
  seed!: string;

  @Field()
  policyVersion!: string;

  @Field({ description: 'Plan date (YYYY-MM-DD, China time)' })
  planDate!: string;

  @Field(() => ID, { nullable: true, description: 'The plan this one corrects' })
  replaces!: string | null;

  @Field({ description: 'SHA-256 of the canonical item list' })
  digest!: string;

  @Field(() => Int)
  itemCount!: number;

  @Field(() => [JSONObjectResolver], { description: 'Per county: eligible, target and drawn per class, capacity, budget, shortfall, unstaffed' })
  counties!: object[];

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

@InputType({ description: 'What to draw a random inspection plan (双随机抽查计划) for: quarter, division and seed' })
export class DrawInspectionPlanInput {
  @Field({ description: 'Quarter, e.g. 2026Q4' })
  quarter!: string;

  @Field()
  divisionCode!: string;

  @Field({ description: 'The seed announced before the draw (e.g. the hash of a public string)' })
  seed!: string;

  @Field(() => ID, { nullable: true, description: 'A current plan of the quarter this one corrects' })
  replaces?: string | null;
}

@ObjectType({ description: 'A random-inspection policy version' })
export class InspectionPolicyView {
  @Field()
  version!: string;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field()
  active!: boolean;

  @Field(() => JSONObjectResolver, { description: 'The definition (classes with shares, annual cap, 30-day rule, inspectors per item)' })
  definition!: object;
}
