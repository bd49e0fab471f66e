/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** Conditions on enterprises; all given conditions must hold */
export type EnterpriseFilter = {
  /** Province, city or county code: the whole subtree */
  divisionCode?: string | null | undefined;
  /** Industry code prefix (GB/T 4754), e.g. C26 */
  industryCode?: string | null | undefined;
  /** Substring of the Chinese name */
  nameContains?: string | null | undefined;
  riskLevels?: Array<RiskLevel> | null | undefined;
  scoreMax?: number | null | undefined;
  scoreMin?: number | null | undefined;
};

/** Order of an enterprise list; ties are broken by credit code */
export type EnterpriseOrder =
  /** By unified social credit code */
  | 'CREDIT_CODE_ASC'
  /** By name */
  | 'NAME_ASC'
  /** Lowest (riskiest) score first */
  | 'SCORE_ASC'
  /** Highest score first */
  | 'SCORE_DESC';

/** Risk level derived from the health score */
export type RiskLevel =
  | 'HIGH'
  | 'LOW'
  | 'MEDIUM';

export type EnterpriseCountQueryVariables = Exact<{
  filter?: EnterpriseFilter | null | undefined;
}>;


export type EnterpriseCountQuery = { enterprises: { totalCount: number } };

export type EnterprisePageQueryVariables = Exact<{
  filter?: EnterpriseFilter | null | undefined;
  orderBy?: EnterpriseOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type EnterprisePageQuery = { enterprises: { totalCount: number, edges: Array<{ cursor: string, node: { creditCode: string, name: string, score: number, riskLevel: RiskLevel, division: { code: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type EnterpriseDetailQueryVariables = Exact<{
  creditCode: string;
}>;


export type EnterpriseDetailQuery = { enterprise: { creditCode: string, name: string, industryCode: string | null, score: number, riskLevel: RiskLevel, reportUrl: string, division: { code: string, name: string, level: string, parent: { code: string, name: string } | null }, permits: Array<{ permitNo: string, validFrom: string, validTo: string, status: string }> } | null };

export type DivisionChildrenQueryVariables = Exact<{
  parentCode?: string | null | undefined;
}>;


export type DivisionChildrenQuery = { divisions: Array<{ code: string, name: string, level: string }> };
