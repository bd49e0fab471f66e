import { JSONObjectResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';
import { ConnectionOf, EdgeOf } from './connection.type';

/** An inspector as a bureau sees it (never public). */
@ObjectType({ description: 'An inspector of a county bureau (visible to bureaus inside their jurisdiction, never public)' })
export class PlanInspector {
  @Field(() => ID, { description: 'Inspector id (执法人员编号) from the roster imported with hub inspectors import' }) id!: string;
  @Field(() => String, { nullable: true, description: 'Null when the inspector is outside your jurisdiction' }) name!: string | null;
}

/** The inspection that closed a plan item. */
@ObjectType({ description: 'An inspection reported by the enforcement system for a drawn enterprise, on or after the plan date' })
export class PlanInspection {
  @Field({ description: 'Id of the inspection record in the enforcement system (环境执法)' }) recordId!: string;
  @Field({ description: 'Date of the inspection (YYYY-MM-DD)' }) date!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Finding: NONE (no problem), VIOLATION (检查发现环境违法问题) or NO_PERMIT (无证排污); null when not reported',
  })
  finding!: string | null;
}

/** One drawn enterprise. */
@ObjectType({ description: 'An enterprise drawn in a random-inspection plan, with its inspectors and outcome' })
export class InspectionPlanItem {
  @Field(() => Int, { description: 'Position in the plan (1-based)' }) position!: number;

  creditCode!: string;
  inspectorIds!: string[];

  @Field({ description: 'Policy class the enterprise was drawn in (SD-INSPECT-2021: A 100 %, B 25 %, C 5 %)' }) class!: string;
  @Field({ description: 'PLANNED until the enforcement system reports an inspection on or after the plan date, then DONE' }) status!: string;
  @Field(() => PlanInspection, { nullable: true, description: 'The inspection that closed the item; null while PLANNED' }) inspection!: PlanInspection | null;
}

@ObjectType({ description: 'A drawn enterprise of an inspection plan (抽查计划), with its cursor (Relay edge)' })
export class InspectionPlanItemEdge extends EdgeOf(InspectionPlanItem, {
  cursor: 'Opaque cursor; pass it as `after` to continue after this item',
  node: 'The plan item of this row',
}) {}

@ObjectType({ description: 'A page of plan items (inside your jurisdiction)' })
export class InspectionPlanItemConnection extends ConnectionOf(InspectionPlanItemEdge, {
  edges: 'The items of this page, by position',
  pageInfo: 'Where this page lies: endCursor and whether more items follow (forward paging only)',
}) {
  @Field(() => Int, { description: 'Items of the plan inside your jurisdiction' }) totalCount!: number;
}

/** A drawn, immutable random-inspection plan. */
@ObjectType({ description: 'A random-inspection plan (双随机、一公开): drawn once from a published seed, immutable, recomputable with `hub plan verify`' })
export class InspectionPlan {
  @Field(() => ID, { description: 'Plan id; inspectionPlan(id) and hub plan verify take it' }) id!: string;
  @Field({ description: 'Quarter, e.g. 2026Q4' }) quarter!: string;
  @Field({ description: 'Division the plan covers (a city plan covers its counties)' }) divisionCode!: string;
  @Field({ description: 'The published seed' }) seed!: string;
  @Field({ description: 'Random-inspection policy version the plan was drawn under, e.g. SD-INSPECT-2021' }) policyVersion!: string;
  @Field({ description: 'Plan date (YYYY-MM-DD, China time)' }) planDate!: string;
  @Field(() => ID, { nullable: true, description: 'The plan this one corrects' }) replaces!: string | null;
  @Field({ description: 'SHA-256 of the canonical item list' }) digest!: string;
  @Field(() => Int, { description: 'Enterprises drawn in the whole plan' }) itemCount!: number;

  @Field(() => [JSONObjectResolver], { description: 'Per county: eligible, target and drawn per class, capacity, budget, shortfall, unstaffed' })
  counties!: object[];

  @Field(() => DateTimeScalar, { description: 'When the plan was drawn' }) createdAt!: Date;
}

@InputType({ description: 'What to draw a random inspection plan (双随机抽查计划) for: quarter, division and seed' })
export class DrawInspectionPlanInput {
  @Field({ description: 'Quarter, e.g. 2026Q4' }) quarter!: string;
  @Field({ description: 'Six-digit code of the division drawn for (your own or inside it; a city draws for its counties)' }) divisionCode!: string;
  @Field({ description: 'The seed announced before the draw (e.g. the hash of a public string)' }) seed!: string;
  @Field(() => ID, { nullable: true, description: 'A current plan of the quarter this one corrects' }) replaces?: string | null;
}

@ObjectType({ description: 'A random-inspection policy version' })
export class InspectionPolicyView {
  @Field({ description: 'Policy version, e.g. SD-INSPECT-2021 (the shipped default)' }) version!: string;
  @Field(() => String, { nullable: true, description: 'Human-readable title; null when the definition gives none' }) title!: string | null;
  @Field({ description: 'Whether new draws use this version (exactly one is active)' }) active!: boolean;
  @Field(() => JSONObjectResolver, { description: 'The definition (classes with shares, annual cap, 30-day rule, inspectors per item)' }) definition!: object;
}
