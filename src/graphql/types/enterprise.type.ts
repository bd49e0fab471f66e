import { Field, Int, ObjectType } from 'type-graphql';
import { EnterpriseRow } from '../../enterprises/enterprise.model';
import { RiskLevel } from './enums';
import { Node } from './node.type';

/** A polluting enterprise with its live environmental health report. */
// simpleResolvers: property fields use graphql's default resolver instead of a type-graphql wrapper per field and row
// (these fields have no middleware or @Authorized; @FieldResolver fields keep theirs).
@ObjectType({ description: 'A polluting enterprise (排污单位) and its environmental health', simpleResolvers: true, implements: Node })
export class Enterprise implements Partial<EnterpriseRow> {
  @Field({ description: 'Unified social credit code (统一社会信用代码)' })
  creditCode!: string;

  @Field()
  name!: string;

  divisionCode!: string;

  @Field(() => String, { nullable: true, description: 'Industry code (GB/T 4754), e.g. D4411' })
  industryCode!: string | null;

  @Field(() => String, { nullable: true })
  address!: string | null;

  @Field(() => Number, { nullable: true })
  longitude!: number | null;

  @Field(() => Number, { nullable: true })
  latitude!: number | null;

  @Field(() => String, { nullable: true, description: 'NATIONAL_KEY, PROVINCIAL_KEY, CITY_KEY or GENERAL' })
  supervisionLevel!: string | null;

  @Field(() => String, { nullable: true, description: 'Permit management class: KEY, SIMPLIFIED or REGISTRATION' })
  managementClass!: string | null;

  @Field(() => String, { nullable: true })
  basin!: string | null;

  @Field(() => [String])
  pollutionTypes!: string[];

  @Field(() => [String])
  airSources!: string[];

  @Field(() => [String])
  monitoringFacilities!: string[];

  @Field(() => Int, { description: 'Health score: 100 minus deductions in the rolling window; no floor' })
  score!: number;

  @Field(() => RiskLevel)
  riskLevel!: RiskLevel;
}
