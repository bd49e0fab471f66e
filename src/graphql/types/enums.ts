import { registerEnumType } from 'type-graphql';
import { RISK_LEVELS, RiskLevelValue } from '../../domain/risk-band';
import { enumObject } from '../../domain/vocabulary';

/** Risk level from the score: LOW ≥ 85, MEDIUM 60–84, HIGH < 60 in SD-2021 (the bands of `src/domain/risk-band.ts`; thresholds are rule-set data). */
export const RiskLevel = enumObject(RISK_LEVELS);
export type RiskLevel = RiskLevelValue;
registerEnumType(RiskLevel, {
  name: 'RiskLevel',
  description: 'Risk level (风险等级) derived from the health score by the active rule set’s thresholds',
  valuesConfig: {
    LOW: { description: '低风险 low risk: the highest band (SD-2021: score ≥ 85); green' },
    MEDIUM: { description: '中风险 medium risk: the middle band (SD-2021: 60–84); yellow' },
    HIGH: { description: '高风险 high risk: the lowest band (SD-2021: score < 60); red' },
  },
});

/** Orderings of `enterprises`. */
export enum EnterpriseOrder {
  SCORE_ASC = 'SCORE_ASC',
  SCORE_DESC = 'SCORE_DESC',
  NAME_ASC = 'NAME_ASC',
  CREDIT_CODE_ASC = 'CREDIT_CODE_ASC',
}
registerEnumType(EnterpriseOrder, {
  name: 'EnterpriseOrder',
  description: 'Order of an enterprise list; ties are broken by credit code',
  valuesConfig: {
    SCORE_ASC: { description: 'Lowest (riskiest) score first' },
    SCORE_DESC: { description: 'Highest score first' },
    NAME_ASC: { description: 'By name' },
    CREDIT_CODE_ASC: { description: 'By unified social credit code' },
  },
});
