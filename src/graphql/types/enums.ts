import { registerEnumType } from 'type-graphql';
import { RiskLevelValue } from '../../domain/risk-band';
import { EnterpriseOrderKey } from '../../enterprises/enterprise.model';

/**
 * Registers the GraphQL enum `name` whose values are their own names (`{ OPEN: 'OPEN' }`), each with
 * its description, in the order given, and returns the enum object (for `@Field(() => X)` and `X.OPEN`).
 * Typed by the domain's codes (`describedEnum<TaskStatus>(…)`), a code added there is a compile error
 * here until it is described, and the GraphQL values are the domain's values with no cast between them.
 */
export function describedEnum<V extends string>(name: string, description: string, values: Record<V, string>): { readonly [K in V]: K } {
  const valuesConfig = Object.fromEntries(Object.entries<string>(values).map(([v, d]) => [v, { description: d }])) as Record<V, { description: string }>;
  const object = Object.fromEntries(Object.keys(values).map((v) => [v, v])) as { [K in V]: K };
  registerEnumType(object, { name, description, valuesConfig });
  return object;
}

/** Risk level from the score: LOW ≥ 85, MEDIUM 60–84, HIGH < 60 in SD-2021 (the bands of `src/domain/risk-band.ts`; thresholds are rule-set data). */
export const RiskLevel = describedEnum<RiskLevelValue>('RiskLevel', 'Risk level (风险等级) derived from the health score by the active rule set’s thresholds', {
  LOW: '低风险 low risk: the highest band (SD-2021: score ≥ 85); green',
  MEDIUM: '中风险 medium risk: the middle band (SD-2021: 60–84); yellow',
  HIGH: '高风险 high risk: the lowest band (SD-2021: score < 60); red',
});
export type RiskLevel = RiskLevelValue;

/** Orderings of `enterprises`. */
export const EnterpriseOrder = describedEnum<EnterpriseOrderKey>('EnterpriseOrder', 'Order of an enterprise list; ties are broken by credit code', {
  SCORE_ASC: 'Lowest (riskiest) score first',
  SCORE_DESC: 'Highest score first',
  NAME_ASC: 'By name',
  CREDIT_CODE_ASC: 'By unified social credit code',
});
export type EnterpriseOrder = EnterpriseOrderKey;
