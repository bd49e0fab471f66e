import { Field, Int, ObjectType } from 'type-graphql';
import { Division } from './division.type';
import { RiskLevel } from './enums';
import { Tag } from './tag.type';

@ObjectType({ description: 'Number of matching enterprises carrying a tag' })
export class TagCount {
  @Field(() => Tag, { description: 'The tag counted' }) tag!: Tag;
  @Field(() => Int, { description: 'Matching enterprises inside your jurisdiction carrying the tag (0 included)' }) count!: number;
}

@ObjectType({ description: 'Number of matching enterprises at a risk level' })
export class RiskLevelCount {
  @Field(() => RiskLevel, { description: 'The risk level (风险等级) counted' }) riskLevel!: RiskLevel;
  @Field(() => Int, { description: 'Matching enterprises inside your jurisdiction at this level' }) count!: number;
}

@ObjectType({ description: 'Number of matching enterprises in a division' })
export class DivisionCount {
  @Field(() => Division, { description: 'The division counted (a child of breakdownDivision)' }) division!: Division;
  @Field(() => Int, { description: 'Matching enterprises inside this division' }) count!: number;
}

@ObjectType({ description: 'A bucket of the score histogram: scores from ≤ score < to' })
export class ScoreBucket {
  @Field(() => Int, { description: 'Inclusive lower bound of the bucket (a multiple of scoreBucketWidth; may be negative)' }) from!: number;
  @Field(() => Int, { description: 'Exclusive upper bound' }) to!: number;
  @Field(() => Int, { description: 'Matching enterprises with from ≤ score < to' }) count!: number;
}

/** Dashboard numbers of a filtered enterprise set inside the caller's jurisdiction. */
@ObjectType({ description: 'Facets of a filter inside your jurisdiction: counts per tag, risk level and division, and a score histogram' })
export class EnterpriseFacets {
  @Field(() => Int, { description: 'Matching enterprises inside your jurisdiction' }) totalCount!: number;
  @Field(() => [TagCount], { description: 'Every tag you can see, with its count (zero included), in catalogue order' }) tags!: TagCount[];
  @Field(() => [RiskLevelCount], { description: 'HIGH, MEDIUM, LOW' }) riskLevels!: RiskLevelCount[];
  @Field(() => Division, { description: "The division broken down: the filter's division when inside yours, else yours" }) breakdownDivision!: Division;
  @Field(() => [DivisionCount], { description: 'Children of breakdownDivision (a county: itself) with their counts' }) divisions!: DivisionCount[];
  @Field(() => [ScoreBucket], { description: 'Non-empty score buckets, ascending' }) scoreHistogram!: ScoreBucket[];
}
