import { Field, Int, ObjectType } from 'type-graphql';
import { EnterpriseRow } from '../../enterprises/enterprise.model';
import { RiskLevel } from './enums';
import { Node } from './node.type';

/** A polluting enterprise with its live environmental health report. */
// Field resolvers take their parent as `@Root() e: EnterpriseRow` (an interface), not as this class: typed with the
// class, type-graphql copies the row into a new instance for every such field of every row of a page.
// simpleResolvers: property fields use graphql's default resolver instead of a type-graphql wrapper per field and row
// (these fields have no middleware or @Authorized; @FieldResolver fields keep theirs).
@ObjectType({ description: 'A polluting enterprise (排污单位) and its environmental health', simpleResolvers: true, implements: Node })
export class Enterprise implements Partial<EnterpriseRow> {
  @Field({ description: 'Unified social credit code (统一社会信用代码)' }) creditCode!: string;
  @Field({ description: 'Registered name (企业名称), in Chinese as the permit system (排污许可) holds it' }) name!: string;

  divisionCode!: string;

  @Field(() => String, { nullable: true, description: 'Industry code (GB/T 4754), e.g. D4411' }) industryCode!: string | null;
  @Field(() => String, { nullable: true, description: 'Registered address (地址) from the permit system; null when unknown' }) address!: string | null;

  @Field(() => Number, {
    nullable: true,
    description: 'Longitude in decimal degrees east (WGS-84, about 114.8–122.7 in Shandong), from the permit system; null when unknown',
  })
  longitude!: number | null;

  @Field(() => Number, {
    nullable: true,
    description: 'Latitude in decimal degrees north (WGS-84, about 34.4–38.4 in Shandong), from the permit system; null when unknown',
  })
  latitude!: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Supervision level (监管级别) from the permit: NATIONAL_KEY 国控重点, PROVINCIAL_KEY 省控重点, CITY_KEY 市控重点 (national/provincial/city key enterprise) or GENERAL 一般; null when unknown',
  })
  supervisionLevel!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Permit management class (排污许可管理类别): KEY 重点管理 (key management), SIMPLIFIED 简化管理 (simplified) or REGISTRATION 登记管理 (registration only); null when unknown',
  })
  managementClass!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'River basin (所属流域) from the permit: YELLOW_RIVER 黄河流域, HUAI_RIVER 淮河流域, HAI_RIVER 海河流域, XIAOQING_RIVER 小清河流域 or PENINSULA 半岛流域 (peninsula basins); null when unknown',
  })
  basin!: string | null;

  @Field(() => [String], {
    description:
      'Pollution types (污染类型) from the permit: AIR 废气 (exhaust gas), WATER 废水 (wastewater), SOLID_HAZARDOUS_WASTE 固废危废 (solid and hazardous waste), NOISE 噪声; empty when none',
  })
  pollutionTypes!: string[];

  @Field(() => [String], {
    description:
      'Air emission sources (涉气类) from the permit: VOCS 涉VOCs (volatile organic compounds), KILN 工业炉窑 (industrial kiln), COAL_BOILER 燃煤锅炉 (coal-fired boiler), DUST 扬尘源 (dust source); empty when none',
  })
  airSources!: string[];

  @Field(() => [String], {
    description:
      'Monitoring facilities (监测监控设施) from the permit: ONLINE 在线监测 (online emission monitoring), VIDEO 视频监控 (video surveillance), POWER 用电监控 (power-use monitoring); empty when none',
  })
  monitoringFacilities!: string[];

  @Field(() => Int, {
    description:
      'Health score (环境健康体检得分): full marks (100 in SD-2021) minus the deductions of the rule set’s rolling window (SD-2021: 1095 days, China dates); no floor (下不封底), so it can be negative',
  })
  score!: number;

  @Field(() => RiskLevel, { description: 'Risk level (风险等级) of the current score under the active rule set (SD-2021: LOW ≥ 85, MEDIUM 60–84, HIGH < 60)' })
  riskLevel!: RiskLevel;
}
