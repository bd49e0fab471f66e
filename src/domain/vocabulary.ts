/**
 * The hub's codes, each list written once (domain.md, sources.md). The ingest
 * validator, the rule-set validator, the GraphQL enums, the tag catalogue and
 * the CHECK constraints of new migrations all read these lists; a code added
 * here is added everywhere that enumerates it.
 */

/** Statuses of a permit (排污许可证). */
export const PERMIT_STATUSES = ['VALID', 'EXPIRED', 'REVOKED'] as const;
export type PermitStatus = (typeof PERMIT_STATUSES)[number];

/** Kinds of enforcement record: an inspection (检查) or a measure (执法措施). */
export const ENFORCEMENT_KINDS = ['INSPECTION', 'MEASURE'] as const;
export type EnforcementKind = (typeof ENFORCEMENT_KINDS)[number];

/** Findings of an inspection: nothing, an environmental violation (环境违法), discharging without a permit (无证排污). */
export const FINDINGS = ['NONE', 'VIOLATION', 'NO_PERMIT'] as const;
export type Finding = (typeof FINDINGS)[number];

/** Types of enforcement measure (domain.md §3). */
export const MEASURE_TYPES = [
  'SUSPEND_PRODUCTION',
  'SEAL_SEIZE',
  'RESTRICT_PRODUCTION',
  'ORDER_CORRECTION',
  'TRANSFER_DETENTION',
  'TRANSFER_CRIMINAL',
  'NO_PERMIT',
] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];

/** Statuses of an enforcement record: in force, or withdrawn (deducts nothing). */
export const ENFORCEMENT_STATUSES = ['ACTIVE', 'WITHDRAWN'] as const;
export type EnforcementStatus = (typeof ENFORCEMENT_STATUSES)[number];

/** Statuses of a penalty case (立案, 决定, 执行, 撤销). */
export const PENALTY_STATUSES = ['FILED', 'DECIDED', 'EXECUTED', 'REVOKED'] as const;
export type PenaltyStatus = (typeof PENALTY_STATUSES)[number];

/** Credit colours of the credit evaluation system (绿 蓝 黄 红 黑). */
export const CREDIT_LEVELS = ['green', 'blue', 'yellow', 'red', 'black'] as const;
export type CreditLevel = (typeof CREDIT_LEVELS)[number];

/** Supervision levels of the permit system (国控, 省控, 市控, 一般). */
export const SUPERVISION_LEVELS = ['NATIONAL_KEY', 'PROVINCIAL_KEY', 'CITY_KEY', 'GENERAL'] as const;
export type SupervisionLevel = (typeof SUPERVISION_LEVELS)[number];

/** Permit management classes (重点, 简化, 登记). */
export const MANAGEMENT_CLASSES = ['KEY', 'SIMPLIFIED', 'REGISTRATION'] as const;
export type ManagementClass = (typeof MANAGEMENT_CLASSES)[number];

/** River basins of Shandong. */
export const BASINS = ['YELLOW_RIVER', 'HUAI_RIVER', 'HAI_RIVER', 'XIAOQING_RIVER', 'PENINSULA'] as const;
export type Basin = (typeof BASINS)[number];

/** Pollution types of a permit. */
export const POLLUTION_TYPES = ['AIR', 'WATER', 'SOLID_HAZARDOUS_WASTE', 'NOISE'] as const;
/** Air-pollution sources of a permit. */
export const AIR_SOURCES = ['VOCS', 'KILN', 'COAL_BOILER', 'DUST'] as const;
/** Monitoring facilities of a permit. */
export const MONITORING_FACILITIES = ['ONLINE', 'VIDEO', 'POWER'] as const;

/** The source systems a deduction's record comes from. */
export const SOURCE_SYSTEMS = ['permit', 'enforcement', 'penalty', 'monitoring'] as const;
export type SourceSystem = (typeof SOURCE_SYSTEMS)[number];

/**
 * The families of scoring triggers (see `src/scoring/rule-set.model.ts` for
 * each family's parameters): enforcement records, penalties, monitoring
 * exceedance days, missing monitoring days, no valid permit.
 */
export const RULE_FAMILIES = ['ENFORCEMENT', 'PENALTY', 'MONITORING_EXCEED', 'MONITORING_MISSING', 'PERMIT_EXPIRED'] as const;
export type RuleFamily = (typeof RULE_FAMILIES)[number];

/** Tag categories of the catalogue (domain.md §4), with their Chinese and English names; LOCAL holds the local tags of a city or county. */
export const TAG_CATEGORY_INFO = {
  SUPERVISION: '监管级别 supervision level',
  INDUSTRY: '行业类型 industry',
  PERMIT_CLASS: '排污许可管理 permit management class',
  BASIN: '所属流域 river basin',
  POLLUTION: '污染类型 pollution type',
  AIR: '涉气类 air sources',
  CREDIT: '信用评价等级 credit rating (latest)',
  MONITORING: '监测监控管理 monitoring',
  LOCAL: '专属标签 local tags of a city or county, visible only inside it',
} as const;
export type TagCategoryCode = keyof typeof TAG_CATEGORY_INFO;
export const TAG_CATEGORIES = Object.keys(TAG_CATEGORY_INFO) as TagCategoryCode[];

/**
 * The warning types (预警类型, domain.md §6), in the order the detectors run,
 * with what each means. Adding a type starts here: its detector
 * (`src/warnings/warning-detectors.query.ts`) and its parameters (the warning
 * parameter set) follow; the GraphQL enum `WarningType`, the filters and the
 * `warning_type` table take it from this list.
 */
export const WARNING_TYPE_INFO = {
  RISK_UP: '风险等级上升 the risk level worsened (LOW→MEDIUM, MEDIUM→HIGH, LOW→HIGH)',
  SCORE_DROP: '得分骤降 the score fell by a set number of points within a set number of days',
  EXCEED_TREND: '超标趋势 exceedance days of an outlet and pollutant are rising',
  DATA_GAP: '数据中断 an online-monitored outlet has reported nothing for whole days',
  PERMIT_EXPIRING: '许可证即将到期 a permit expires soon and no later valid permit exists',
  FORECAST_HIGH: '高风险预测 the score trend reaches the HIGH band soon',
  REALTIME_EXCEED: '实时超标 consecutive valid hourly averages of an outlet and pollutant above the limit (HJ 212 gateway)',
} as const;
export type WarningType = keyof typeof WARNING_TYPE_INFO;
export const WARNING_TYPES = Object.keys(WARNING_TYPE_INFO) as WarningType[];

/** Workflow states of a warning: OPEN → ACKNOWLEDGED → RESOLVED (or OPEN → RESOLVED). */
export const WARNING_STATUSES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export type WarningStatusValue = (typeof WARNING_STATUSES)[number];

/** Severities of a warning. */
export const WARNING_SEVERITIES = ['LOW', 'MEDIUM', 'HIGH'] as const;
export type WarningSeverity = (typeof WARNING_SEVERITIES)[number];

/** How a resolved warning was resolved: by a bureau, or by the detectors when its condition cleared. */
export const WARNING_RESOLUTIONS = ['MANUAL', 'CONDITION_CLEARED'] as const;
export type WarningResolution = (typeof WARNING_RESOLUTIONS)[number];

/** A list of codes as SQL literals, `'A', 'B'` (for `in (…)`, `array[…]` and CHECK constraints). */
export function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
}
