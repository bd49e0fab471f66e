/**
 * Risk levels (风险等级) and the bands that map a health score onto them
 * (domain.md §3): `LOW` for score ≥ low, `MEDIUM` for medium ≤ score < low,
 * `HIGH` below medium (85 and 60 in SD-2021). The thresholds are rule-set data;
 * the band itself is defined once here, and both the TypeScript check
 * ({@link riskOf}) and the SQL generators ({@link riskLevelSql}) are read off
 * {@link riskBands}.
 */

/** The risk levels, from best to worst. */
export const RISK_LEVELS = ['LOW', 'MEDIUM', 'HIGH'] as const;
/** One of {@link RISK_LEVELS}. */
export type RiskLevelValue = (typeof RISK_LEVELS)[number];

/** The two thresholds of a rule set: lowest score of the LOW band, lowest score of the MEDIUM band. */
export interface RiskThresholds {
  low: number;
  medium: number;
}

/** One band: scores at or above `min` (and below the previous band's) have `level`; the last band has no floor. */
export interface RiskBand {
  level: RiskLevelValue;
  min: number | null;
}

/** The bands of `t`, best first; the last one (HIGH) has no lower bound (scores have no floor). */
export function riskBands(t: RiskThresholds): RiskBand[] {
  return [
    { level: 'LOW', min: t.low },
    { level: 'MEDIUM', min: t.medium },
    { level: 'HIGH', min: null },
  ];
}

/** Risk level of `score` under thresholds `t`. */
export function riskOf(score: number, t: RiskThresholds): RiskLevelValue {
  return riskBands(t).find((b) => b.min === null || score >= b.min)!.level;
}

/** SQL `case` giving the risk level of the integer expression `scoreExpr` under `t` (the same bands as {@link riskOf}). */
export function riskLevelSql(scoreExpr: string, t: RiskThresholds): string {
  const bands = riskBands(t);
  const whens = bands.filter((b) => b.min !== null).map((b) => `when ${scoreExpr} >= ${Math.trunc(b.min!)} then '${b.level}'`);
  return `case ${whens.join(' ')} else '${bands[bands.length - 1].level}' end`;
}

/** Position of a level from best (0) to worst, in TypeScript. */
export function riskRank(level: RiskLevelValue): number {
  return RISK_LEVELS.indexOf(level);
}

/** SQL giving the position of the level in `expr` from best (1) to worst: a larger value is a worse risk. */
export function riskRankSql(expr: string): string {
  return `array_position(array[${RISK_LEVELS.map((l) => `'${l}'`).join(', ')}], ${expr})`;
}
