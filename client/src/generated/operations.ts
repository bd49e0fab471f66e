/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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
  /** Tags all/any/none by code or Chinese label, e.g. {all: ["黄标", "固废危废"]} */
  tags?: TagFilter | null | undefined;
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

/** Category of a tag (标签类别) */
export type TagCategory =
  /** 涉气类 air sources */
  | 'AIR'
  /** 所属流域 river basin */
  | 'BASIN'
  /** 信用评价等级 credit rating (latest) */
  | 'CREDIT'
  /** 行业类型 industry */
  | 'INDUSTRY'
  /** 专属标签 local tags of a city or county, visible only inside it */
  | 'LOCAL'
  /** 监测监控管理 monitoring */
  | 'MONITORING'
  /** 排污许可管理 permit management class */
  | 'PERMIT_CLASS'
  /** 污染类型 pollution type */
  | 'POLLUTION'
  /** 监管级别 supervision level */
  | 'SUPERVISION';

/** Tag conditions: codes ("CREDIT/yellow") or Chinese labels ("黄标"); an unknown tag is an error naming it */
export type TagFilter = {
  /** The enterprise carries every one of these tags */
  all?: Array<string> | null | undefined;
  /** The enterprise carries at least one of these tags */
  any?: Array<string> | null | undefined;
  /** The enterprise carries none of these tags */
  none?: Array<string> | null | undefined;
};

/** CATALOGUE for a tag listed by Query.tags; DERIVED or MANUAL for a tag an enterprise carries */
export type TagSourceKind =
  | 'CATALOGUE'
  | 'DERIVED'
  | 'MANUAL';

/** Conditions on warnings; all given conditions must hold (always inside your jurisdiction) */
export type WarningFilter = {
  /** One enterprise */
  creditCode?: string | null | undefined;
  /** Province, city or county code: the whole subtree */
  divisionCode?: string | null | undefined;
  /** LOW, MEDIUM, HIGH */
  severities?: Array<string> | null | undefined;
  status?: Array<WarningStatus> | null | undefined;
  /** Warning types, e.g. [RISK_UP, DATA_GAP] */
  types?: Array<WarningType> | null | undefined;
};

/** Workflow of a warning: OPEN → ACKNOWLEDGED → RESOLVED */
export type WarningStatus =
  /** A bureau has taken it up */
  | 'ACKNOWLEDGED'
  /** Raised, nobody has taken it up yet */
  | 'OPEN'
  /** Closed by a bureau, or by the hub when its condition cleared (see resolution) */
  | 'RESOLVED';

/** Type of an early warning (预警类型) */
export type WarningType =
  /** 数据中断 an online-monitored outlet has reported nothing for whole days */
  | 'DATA_GAP'
  /** 超标趋势 exceedance days of an outlet and pollutant are rising */
  | 'EXCEED_TREND'
  /** 高风险预测 the score trend reaches the HIGH band soon */
  | 'FORECAST_HIGH'
  /** 许可证即将到期 a permit expires soon and no later valid permit exists */
  | 'PERMIT_EXPIRING'
  /** 实时超标 consecutive valid hourly averages of an outlet and pollutant above the limit (HJ 212 gateway) */
  | 'REALTIME_EXCEED'
  /** 风险等级上升 the risk level worsened (LOW→MEDIUM, MEDIUM→HIGH, LOW→HIGH) */
  | 'RISK_UP'
  /** 得分骤降 the score fell by a set number of points within a set number of days */
  | 'SCORE_DROP';

/** A webhook to register */
export type WebhookInput = {
  description?: string | null | undefined;
  /** Division whose warnings it receives; inside your jurisdiction */
  divisionCode: string;
  /** Shared secret for the signature (16-200 characters); write-only */
  secret: string;
  /** Warning types to send (default all) */
  types?: Array<WarningType> | null | undefined;
  /** http(s) URL the hub POSTs to */
  url: string;
};

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

export type EnterpriseHealthQueryVariables = Exact<{
  creditCode: string;
  asOf?: string | null | undefined;
}>;


export type EnterpriseHealthQuery = { enterprise: { creditCode: string, name: string, score: number, riskLevel: RiskLevel, rank: number, reportUrl: string, healthReport: { score: number, riskLevel: RiskLevel, asOf: string, ruleSetVersion: string, deductions: Array<{ rule: string, points: number, date: string, system: string, recordId: string }> }, scoreHistory: Array<{ at: string, score: number, riskLevel: RiskLevel, cause: string }> } | null };

export type RiskiestEnterprisesQueryVariables = Exact<{
  divisionCode?: string | null | undefined;
  first?: number | null | undefined;
}>;


export type RiskiestEnterprisesQuery = { enterprises: { totalCount: number, edges: Array<{ node: { creditCode: string, name: string, score: number, riskLevel: RiskLevel, rank: number, division: { code: string, name: string } } }> } };

export type TagCatalogueQueryVariables = Exact<{
  category?: TagCategory | null | undefined;
}>;


export type TagCatalogueQuery = { tags: Array<{ code: string, category: TagCategory, label: string, labelEn: string, source: string, divisionCode: string | null }> };

export type TaggedEnterprisePageQueryVariables = Exact<{
  filter?: EnterpriseFilter | null | undefined;
  orderBy?: EnterpriseOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
}>;


export type TaggedEnterprisePageQuery = { enterprises: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { creditCode: string, name: string, score: number, riskLevel: RiskLevel, tags: Array<{ code: string, label: string, category: TagCategory, sourceKind: TagSourceKind }>, recentHistory: Array<{ at: string, score: number, riskLevel: RiskLevel }> } }> } };

export type EnterpriseFacetCountsQueryVariables = Exact<{
  filter?: EnterpriseFilter | null | undefined;
  scoreBucketWidth?: number | null | undefined;
}>;


export type EnterpriseFacetCountsQuery = { enterpriseFacets: { totalCount: number, tags: Array<{ count: number, tag: { code: string, label: string, category: TagCategory } }>, riskLevels: Array<{ riskLevel: RiskLevel, count: number }>, breakdownDivision: { code: string, name: string, level: string }, divisions: Array<{ count: number, division: { code: string, name: string } }>, scoreHistogram: Array<{ from: number, to: number, count: number }> } };

export type EnterpriseTagsQueryVariables = Exact<{
  creditCode: string;
}>;


export type EnterpriseTagsQuery = { enterprise: { creditCode: string, tags: Array<{ code: string, label: string, category: TagCategory, source: string, sourceKind: TagSourceKind, attachedBy: string | null, attachedAt: string | null, reason: string | null }>, tagChanges: Array<{ at: string, tagCode: string, action: string, actor: string, actorDivision: string | null, reason: string | null, wasPresent: boolean | null }> } | null };

export type AttachTagMutationVariables = Exact<{
  creditCode: string;
  tag: string;
  reason: string;
}>;


export type AttachTagMutation = { attachTag: { creditCode: string, tags: Array<{ code: string, sourceKind: TagSourceKind }> } };

export type DetachTagMutationVariables = Exact<{
  creditCode: string;
  tag: string;
  reason: string;
}>;


export type DetachTagMutation = { detachTag: { creditCode: string, tags: Array<{ code: string, sourceKind: TagSourceKind }> } };

export type CreateLocalTagMutationVariables = Exact<{
  divisionCode: string;
  slug: string;
  label: string;
  labelEn: string;
}>;


export type CreateLocalTagMutation = { createLocalTag: { code: string, label: string, labelEn: string, divisionCode: string | null } };

export type WarningFieldsFragment = { id: string, type: WarningType, subject: string | null, severity: string, status: WarningStatus, message: string, details: unknown, conditionHolds: boolean, raisedAt: string, acknowledgedAt: string | null, acknowledgedBy: string | null, acknowledgeNote: string | null, resolvedAt: string | null, resolvedBy: string | null, resolveNote: string | null, resolution: string | null, enterprise: { creditCode: string, name: string, score: number, riskLevel: RiskLevel, division: { code: string, name: string } } };

export type WarningPageQueryVariables = Exact<{
  filter?: WarningFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WarningPageQuery = { warnings: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, type: WarningType, subject: string | null, severity: string, status: WarningStatus, message: string, details: unknown, conditionHolds: boolean, raisedAt: string, acknowledgedAt: string | null, acknowledgedBy: string | null, acknowledgeNote: string | null, resolvedAt: string | null, resolvedBy: string | null, resolveNote: string | null, resolution: string | null, enterprise: { creditCode: string, name: string, score: number, riskLevel: RiskLevel, division: { code: string, name: string } } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type WarningCountsQueryVariables = Exact<{
  filter?: WarningFilter | null | undefined;
}>;


export type WarningCountsQuery = { warningCounts: Array<{ type: WarningType, status: WarningStatus, count: number }> };

export type EnterpriseWarningsQueryVariables = Exact<{
  creditCode: string;
  status?: WarningStatus | null | undefined;
}>;


export type EnterpriseWarningsQuery = { enterprise: { creditCode: string, warnings: Array<{ id: string, type: WarningType, subject: string | null, severity: string, status: WarningStatus, message: string, details: unknown, conditionHolds: boolean, raisedAt: string, acknowledgedAt: string | null, acknowledgedBy: string | null, acknowledgeNote: string | null, resolvedAt: string | null, resolvedBy: string | null, resolveNote: string | null, resolution: string | null, enterprise: { creditCode: string, name: string, score: number, riskLevel: RiskLevel, division: { code: string, name: string } } }> } | null };

export type AcknowledgeWarningMutationVariables = Exact<{
  id: string | number;
  note?: string | null | undefined;
}>;


export type AcknowledgeWarningMutation = { acknowledgeWarning: { id: string, type: WarningType, subject: string | null, severity: string, status: WarningStatus, message: string, details: unknown, conditionHolds: boolean, raisedAt: string, acknowledgedAt: string | null, acknowledgedBy: string | null, acknowledgeNote: string | null, resolvedAt: string | null, resolvedBy: string | null, resolveNote: string | null, resolution: string | null, enterprise: { creditCode: string, name: string, score: number, riskLevel: RiskLevel, division: { code: string, name: string } } } };

export type ResolveWarningMutationVariables = Exact<{
  id: string | number;
  note?: string | null | undefined;
}>;


export type ResolveWarningMutation = { resolveWarning: { id: string, type: WarningType, subject: string | null, severity: string, status: WarningStatus, message: string, details: unknown, conditionHolds: boolean, raisedAt: string, acknowledgedAt: string | null, acknowledgedBy: string | null, acknowledgeNote: string | null, resolvedAt: string | null, resolvedBy: string | null, resolveNote: string | null, resolution: string | null, enterprise: { creditCode: string, name: string, score: number, riskLevel: RiskLevel, division: { code: string, name: string } } } };

export type WarningRaisedSubscriptionVariables = Exact<{
  filter?: WarningFilter | null | undefined;
}>;


export type WarningRaisedSubscription = { warningRaised: { id: string, type: WarningType, subject: string | null, severity: string, status: WarningStatus, message: string, details: unknown, conditionHolds: boolean, raisedAt: string, acknowledgedAt: string | null, acknowledgedBy: string | null, acknowledgeNote: string | null, resolvedAt: string | null, resolvedBy: string | null, resolveNote: string | null, resolution: string | null, enterprise: { creditCode: string, name: string, score: number, riskLevel: RiskLevel, division: { code: string, name: string } } } };

export type ScoreChangedSubscriptionVariables = Exact<{
  divisionCode?: string | null | undefined;
}>;


export type ScoreChangedSubscription = { scoreChanged: { creditCode: string, name: string, score: number, riskLevel: RiskLevel, division: { code: string } } };

export type WebhookFieldsFragment = { id: string, divisionCode: string, url: string, types: Array<WarningType> | null, description: string | null, enabled: boolean, disabledAt: string | null, disabledReason: string | null, consecutiveFailures: number, createdAt: string, createdBy: string };

export type WebhooksQueryVariables = Exact<{
  last?: number | null | undefined;
}>;


export type WebhooksQuery = { webhooks: Array<{ id: string, divisionCode: string, url: string, types: Array<WarningType> | null, description: string | null, enabled: boolean, disabledAt: string | null, disabledReason: string | null, consecutiveFailures: number, createdAt: string, createdBy: string, deliveries: Array<{ id: string, warningId: string, event: string, status: string, attempts: number, nextAttemptAt: string, lastStatusCode: number | null, lastError: string | null, createdAt: string, deliveredAt: string | null, attemptLog: Array<{ attempt: number, at: string, statusCode: number | null, error: string | null, durationMs: number }> }> }> };

export type RegisterWebhookMutationVariables = Exact<{
  input: WebhookInput;
}>;


export type RegisterWebhookMutation = { registerWebhook: { id: string, divisionCode: string, url: string, types: Array<WarningType> | null, description: string | null, enabled: boolean, disabledAt: string | null, disabledReason: string | null, consecutiveFailures: number, createdAt: string, createdBy: string } };

export type EnableWebhookMutationVariables = Exact<{
  id: string | number;
}>;


export type EnableWebhookMutation = { enableWebhook: { id: string, divisionCode: string, url: string, types: Array<WarningType> | null, description: string | null, enabled: boolean, disabledAt: string | null, disabledReason: string | null, consecutiveFailures: number, createdAt: string, createdBy: string } };

export type RemoveWebhookMutationVariables = Exact<{
  id: string | number;
}>;


export type RemoveWebhookMutation = { removeWebhook: boolean };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const WarningFieldsFragmentDoc = new TypedDocumentString(`
    fragment WarningFields on Warning {
  id
  type
  subject
  severity
  status
  message
  details
  conditionHolds
  raisedAt
  acknowledgedAt
  acknowledgedBy
  acknowledgeNote
  resolvedAt
  resolvedBy
  resolveNote
  resolution
  enterprise {
    creditCode
    name
    score
    riskLevel
    division {
      code
      name
    }
  }
}
    `, {"fragmentName":"WarningFields"}) as unknown as TypedDocumentString<WarningFieldsFragment, unknown>;
export const WebhookFieldsFragmentDoc = new TypedDocumentString(`
    fragment WebhookFields on Webhook {
  id
  divisionCode
  url
  types
  description
  enabled
  disabledAt
  disabledReason
  consecutiveFailures
  createdAt
  createdBy
}
    `, {"fragmentName":"WebhookFields"}) as unknown as TypedDocumentString<WebhookFieldsFragment, unknown>;
export const EnterpriseCountDocument = new TypedDocumentString(`
    query EnterpriseCount($filter: EnterpriseFilter) {
  enterprises(filter: $filter, first: 0) {
    totalCount
  }
}
    `) as unknown as TypedDocumentString<EnterpriseCountQuery, EnterpriseCountQueryVariables>;
export const EnterprisePageDocument = new TypedDocumentString(`
    query EnterprisePage($filter: EnterpriseFilter, $orderBy: EnterpriseOrder, $first: Int, $after: String) {
  enterprises(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    edges {
      cursor
      node {
        creditCode
        name
        score
        riskLevel
        division {
          code
          name
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<EnterprisePageQuery, EnterprisePageQueryVariables>;
export const EnterpriseDetailDocument = new TypedDocumentString(`
    query EnterpriseDetail($creditCode: String!) {
  enterprise(creditCode: $creditCode) {
    creditCode
    name
    industryCode
    score
    riskLevel
    reportUrl
    division {
      code
      name
      level
      parent {
        code
        name
      }
    }
    permits {
      permitNo
      validFrom
      validTo
      status
    }
  }
}
    `) as unknown as TypedDocumentString<EnterpriseDetailQuery, EnterpriseDetailQueryVariables>;
export const DivisionChildrenDocument = new TypedDocumentString(`
    query DivisionChildren($parentCode: String) {
  divisions(parentCode: $parentCode) {
    code
    name
    level
  }
}
    `) as unknown as TypedDocumentString<DivisionChildrenQuery, DivisionChildrenQueryVariables>;
export const EnterpriseHealthDocument = new TypedDocumentString(`
    query EnterpriseHealth($creditCode: String!, $asOf: Date) {
  enterprise(creditCode: $creditCode) {
    creditCode
    name
    score
    riskLevel
    rank
    reportUrl
    healthReport(asOf: $asOf) {
      score
      riskLevel
      asOf
      ruleSetVersion
      deductions {
        rule
        points
        date
        system
        recordId
      }
    }
    scoreHistory {
      at
      score
      riskLevel
      cause
    }
  }
}
    `) as unknown as TypedDocumentString<EnterpriseHealthQuery, EnterpriseHealthQueryVariables>;
export const RiskiestEnterprisesDocument = new TypedDocumentString(`
    query RiskiestEnterprises($divisionCode: String, $first: Int = 10) {
  enterprises(
    filter: {divisionCode: $divisionCode, riskLevels: [HIGH]}
    orderBy: SCORE_ASC
    first: $first
  ) {
    totalCount
    edges {
      node {
        creditCode
        name
        score
        riskLevel
        rank
        division {
          code
          name
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RiskiestEnterprisesQuery, RiskiestEnterprisesQueryVariables>;
export const TagCatalogueDocument = new TypedDocumentString(`
    query TagCatalogue($category: TagCategory) {
  tags(category: $category) {
    code
    category
    label
    labelEn
    source
    divisionCode
  }
}
    `) as unknown as TypedDocumentString<TagCatalogueQuery, TagCatalogueQueryVariables>;
export const TaggedEnterprisePageDocument = new TypedDocumentString(`
    query TaggedEnterprisePage($filter: EnterpriseFilter, $orderBy: EnterpriseOrder, $first: Int, $after: String, $last: Int) {
  enterprises(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      cursor
      node {
        creditCode
        name
        score
        riskLevel
        tags {
          code
          label
          category
          sourceKind
        }
        recentHistory(last: $last) {
          at
          score
          riskLevel
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<TaggedEnterprisePageQuery, TaggedEnterprisePageQueryVariables>;
export const EnterpriseFacetCountsDocument = new TypedDocumentString(`
    query EnterpriseFacetCounts($filter: EnterpriseFilter, $scoreBucketWidth: Int) {
  enterpriseFacets(filter: $filter, scoreBucketWidth: $scoreBucketWidth) {
    totalCount
    tags {
      tag {
        code
        label
        category
      }
      count
    }
    riskLevels {
      riskLevel
      count
    }
    breakdownDivision {
      code
      name
      level
    }
    divisions {
      division {
        code
        name
      }
      count
    }
    scoreHistogram {
      from
      to
      count
    }
  }
}
    `) as unknown as TypedDocumentString<EnterpriseFacetCountsQuery, EnterpriseFacetCountsQueryVariables>;
export const EnterpriseTagsDocument = new TypedDocumentString(`
    query EnterpriseTags($creditCode: String!) {
  enterprise(creditCode: $creditCode) {
    creditCode
    tags {
      code
      label
      category
      source
      sourceKind
      attachedBy
      attachedAt
      reason
    }
    tagChanges {
      at
      tagCode
      action
      actor
      actorDivision
      reason
      wasPresent
    }
  }
}
    `) as unknown as TypedDocumentString<EnterpriseTagsQuery, EnterpriseTagsQueryVariables>;
export const AttachTagDocument = new TypedDocumentString(`
    mutation AttachTag($creditCode: String!, $tag: String!, $reason: String!) {
  attachTag(creditCode: $creditCode, tag: $tag, reason: $reason) {
    creditCode
    tags {
      code
      sourceKind
    }
  }
}
    `) as unknown as TypedDocumentString<AttachTagMutation, AttachTagMutationVariables>;
export const DetachTagDocument = new TypedDocumentString(`
    mutation DetachTag($creditCode: String!, $tag: String!, $reason: String!) {
  detachTag(creditCode: $creditCode, tag: $tag, reason: $reason) {
    creditCode
    tags {
      code
      sourceKind
    }
  }
}
    `) as unknown as TypedDocumentString<DetachTagMutation, DetachTagMutationVariables>;
export const CreateLocalTagDocument = new TypedDocumentString(`
    mutation CreateLocalTag($divisionCode: String!, $slug: String!, $label: String!, $labelEn: String!) {
  createLocalTag(
    divisionCode: $divisionCode
    slug: $slug
    label: $label
    labelEn: $labelEn
  ) {
    code
    label
    labelEn
    divisionCode
  }
}
    `) as unknown as TypedDocumentString<CreateLocalTagMutation, CreateLocalTagMutationVariables>;
export const WarningPageDocument = new TypedDocumentString(`
    query WarningPage($filter: WarningFilter, $first: Int, $after: String) {
  warnings(filter: $filter, first: $first, after: $after) {
    totalCount
    edges {
      cursor
      node {
        ...WarningFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment WarningFields on Warning {
  id
  type
  subject
  severity
  status
  message
  details
  conditionHolds
  raisedAt
  acknowledgedAt
  acknowledgedBy
  acknowledgeNote
  resolvedAt
  resolvedBy
  resolveNote
  resolution
  enterprise {
    creditCode
    name
    score
    riskLevel
    division {
      code
      name
    }
  }
}`) as unknown as TypedDocumentString<WarningPageQuery, WarningPageQueryVariables>;
export const WarningCountsDocument = new TypedDocumentString(`
    query WarningCounts($filter: WarningFilter) {
  warningCounts(filter: $filter) {
    type
    status
    count
  }
}
    `) as unknown as TypedDocumentString<WarningCountsQuery, WarningCountsQueryVariables>;
export const EnterpriseWarningsDocument = new TypedDocumentString(`
    query EnterpriseWarnings($creditCode: String!, $status: WarningStatus) {
  enterprise(creditCode: $creditCode) {
    creditCode
    warnings(status: $status) {
      ...WarningFields
    }
  }
}
    fragment WarningFields on Warning {
  id
  type
  subject
  severity
  status
  message
  details
  conditionHolds
  raisedAt
  acknowledgedAt
  acknowledgedBy
  acknowledgeNote
  resolvedAt
  resolvedBy
  resolveNote
  resolution
  enterprise {
    creditCode
    name
    score
    riskLevel
    division {
      code
      name
    }
  }
}`) as unknown as TypedDocumentString<EnterpriseWarningsQuery, EnterpriseWarningsQueryVariables>;
export const AcknowledgeWarningDocument = new TypedDocumentString(`
    mutation AcknowledgeWarning($id: ID!, $note: String) {
  acknowledgeWarning(id: $id, note: $note) {
    ...WarningFields
  }
}
    fragment WarningFields on Warning {
  id
  type
  subject
  severity
  status
  message
  details
  conditionHolds
  raisedAt
  acknowledgedAt
  acknowledgedBy
  acknowledgeNote
  resolvedAt
  resolvedBy
  resolveNote
  resolution
  enterprise {
    creditCode
    name
    score
    riskLevel
    division {
      code
      name
    }
  }
}`) as unknown as TypedDocumentString<AcknowledgeWarningMutation, AcknowledgeWarningMutationVariables>;
export const ResolveWarningDocument = new TypedDocumentString(`
    mutation ResolveWarning($id: ID!, $note: String) {
  resolveWarning(id: $id, note: $note) {
    ...WarningFields
  }
}
    fragment WarningFields on Warning {
  id
  type
  subject
  severity
  status
  message
  details
  conditionHolds
  raisedAt
  acknowledgedAt
  acknowledgedBy
  acknowledgeNote
  resolvedAt
  resolvedBy
  resolveNote
  resolution
  enterprise {
    creditCode
    name
    score
    riskLevel
    division {
      code
      name
    }
  }
}`) as unknown as TypedDocumentString<ResolveWarningMutation, ResolveWarningMutationVariables>;
export const WarningRaisedDocument = new TypedDocumentString(`
    subscription WarningRaised($filter: WarningFilter) {
  warningRaised(filter: $filter) {
    ...WarningFields
  }
}
    fragment WarningFields on Warning {
  id
  type
  subject
  severity
  status
  message
  details
  conditionHolds
  raisedAt
  acknowledgedAt
  acknowledgedBy
  acknowledgeNote
  resolvedAt
  resolvedBy
  resolveNote
  resolution
  enterprise {
    creditCode
    name
    score
    riskLevel
    division {
      code
      name
    }
  }
}`) as unknown as TypedDocumentString<WarningRaisedSubscription, WarningRaisedSubscriptionVariables>;
export const ScoreChangedDocument = new TypedDocumentString(`
    subscription ScoreChanged($divisionCode: String) {
  scoreChanged(divisionCode: $divisionCode) {
    creditCode
    name
    score
    riskLevel
    division {
      code
    }
  }
}
    `) as unknown as TypedDocumentString<ScoreChangedSubscription, ScoreChangedSubscriptionVariables>;
export const WebhooksDocument = new TypedDocumentString(`
    query Webhooks($last: Int) {
  webhooks {
    ...WebhookFields
    deliveries(last: $last) {
      id
      warningId
      event
      status
      attempts
      nextAttemptAt
      lastStatusCode
      lastError
      createdAt
      deliveredAt
      attemptLog {
        attempt
        at
        statusCode
        error
        durationMs
      }
    }
  }
}
    fragment WebhookFields on Webhook {
  id
  divisionCode
  url
  types
  description
  enabled
  disabledAt
  disabledReason
  consecutiveFailures
  createdAt
  createdBy
}`) as unknown as TypedDocumentString<WebhooksQuery, WebhooksQueryVariables>;
export const RegisterWebhookDocument = new TypedDocumentString(`
    mutation RegisterWebhook($input: WebhookInput!) {
  registerWebhook(input: $input) {
    ...WebhookFields
  }
}
    fragment WebhookFields on Webhook {
  id
  divisionCode
  url
  types
  description
  enabled
  disabledAt
  disabledReason
  consecutiveFailures
  createdAt
  createdBy
}`) as unknown as TypedDocumentString<RegisterWebhookMutation, RegisterWebhookMutationVariables>;
export const EnableWebhookDocument = new TypedDocumentString(`
    mutation EnableWebhook($id: ID!) {
  enableWebhook(id: $id) {
    ...WebhookFields
  }
}
    fragment WebhookFields on Webhook {
  id
  divisionCode
  url
  types
  description
  enabled
  disabledAt
  disabledReason
  consecutiveFailures
  createdAt
  createdBy
}`) as unknown as TypedDocumentString<EnableWebhookMutation, EnableWebhookMutationVariables>;
export const RemoveWebhookDocument = new TypedDocumentString(`
    mutation RemoveWebhook($id: ID!) {
  removeWebhook(id: $id)
}
    `) as unknown as TypedDocumentString<RemoveWebhookMutation, RemoveWebhookMutationVariables>;