import { RiskLevelValue } from '../domain/risk-band';

/** An enterprise row as services hand it to the API. */
export interface EnterpriseRow {
  creditCode: string;
  name: string;
  divisionCode: string;
  address: string | null;
  longitude: number | null;
  latitude: number | null;
  industryCode: string | null;
  supervisionLevel: string | null;
  managementClass: string | null;
  basin: string | null;
  pollutionTypes: string[];
  airSources: string[];
  monitoringFacilities: string[];
  score: number;
  riskLevel: RiskLevelValue;
  sourceUpdatedAt: Date | null;
}

/** Columns selecting an {@link EnterpriseRow} from `enterprise e`. */
export const ENTERPRISE_COLUMNS = `e.credit_code as "creditCode", e.name, e.division_code as "divisionCode", e.address,
  e.longitude, e.latitude, e.industry_code as "industryCode", e.supervision_level as "supervisionLevel",
  e.management_class as "managementClass", e.basin, e.pollution_types as "pollutionTypes", e.air_sources as "airSources",
  e.monitoring_facilities as "monitoringFacilities", e.score, e.risk_level as "riskLevel", e.source_updated_at as "sourceUpdatedAt"`;

/** Orderings of enterprise lists. */
export type EnterpriseOrderKey = 'SCORE_ASC' | 'SCORE_DESC' | 'NAME_ASC' | 'CREDIT_CODE_ASC';

/** The filter of `enterprises` (see EnterpriseFilter in the GraphQL schema). */
export interface EnterpriseFilterInput {
  divisionCode?: string | null;
  riskLevels?: RiskLevelValue[] | null;
  scoreMin?: number | null;
  scoreMax?: number | null;
  nameContains?: string | null;
  industryCode?: string | null;
}
