import { Field, Int, ObjectType } from 'type-graphql';
import { Division } from './division.type';
import { RiskLevel } from './enums';
import { Tag } from './tag.type';

@ObjectType({ description: 'Number of matching enterprises carrying a tag' })
export class TagCount {
  @Field(() => Tag)
  tag!: Tag;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Number of matching enterprises at a risk level' })
export class RiskLevelCount {
  @Field(() => RiskLevel)
  riskLevel!: RiskLevel;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Number of matching enterprises in a division' })
export class DivisionCount {
  @Field(() => Division)
  division!: Division;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'A bucket of the score histogram: scores from ≤ score < to' })
export class ScoreBucket {
  @Field(() => Int)
  from!: number;

  @Field(() => Int, { description: 'Exclusive upper bound' })
  to!: number;

  @Field(() => Int)
  count!: number;
}

/** Dashboard numbers of a filtered enterprise set inside the caller's jurisdiction. */
@ObjectType({ description: 'Facets of a filter inside your jurisdiction: counts per tag, risk level and division, and a score histogram' })
export class EnterpriseFacets {
  @Field(() => Int)
  totalCount!: number;

  @Field(() => [TagCount], { description: 'Every tag you can see, with its count (zero included), in catalogue order' })
  tags!: TagCount[];

  @Field(() => [RiskLevelCount], { description: 'HIGH, MEDIUM, LOW' })
  riskLevels!: RiskLevelCount[];

  @Field(() => Division, { description: "The division broken down: the filter's division when inside yours, else yours" })
  breakdownDivision!: Division;

  @Field(() => [DivisionCount], { description: 'Children of breakdownDivision (a county: itself) with their counts' })
  divisions!: DivisionCount[];

  @Field(() => [ScoreBucket], { description: 'Non-empty score buckets, ascending' })
  scoreHistogram!: ScoreBucket[];
}
