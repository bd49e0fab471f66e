import { IDENTITY_TARGETS, RecordKind } from '../unified-record';

/** How a declarative source pages its answers. */
export type DeclarativePagination =
  /** One request answers everything. */
  | { type: 'none' }
  /** Page numbers: `pageParam`=1,2,… and `sizeParam`=`size`; stops at a short page. */
  | { type: 'page'; pageParam: string; sizeParam: string; size: number; firstPage: number }
  /**
   * An opaque cursor: sent as `cursorParam`, the next one read from
   * `nextCursorPath` in the body; stops when `hasMorePath` is false or the
   * next cursor is empty.
   */
  | { type: 'cursor'; cursorParam: string; nextCursorPath: string; hasMorePath: string | null; sizeParam: string | null; size: number | null };

/** One unified field filled from the source record. */
export interface DeclarativeFieldMapping {
  /** The unified field, e.g. `creditCode`, `level`, `ratedOn`. */
  target: string;
  /** Dotted path into the source record, e.g. `uscc` or `org.code`. */
  source: string;
  /** Source value → unified value (e.g. 黄标 → yellow); when given, a value not in it is a mapping error. */
  valueMap?: Record<string, string>;
}

/** A request header sent to the source; a secret one's value lives in the connector's config, never in the definition. */
export interface DeclarativeHeader {
  name: string;
  /** The value of a non-secret header. */
  value?: string;
  secret: boolean;
}

/**
 * A steward's description of a source system that needs no code: where to
 * fetch, how it pages, which field is the incremental cursor, and how its
 * records map onto a unified record kind. Stored in `connector.definition`.
 */
export interface DeclarativeConnectorDefinition {
  version: 1;
  id: string;
  title: string;
  owner: string | null;
  /** Base URL of the source; null means the hub's HUB_SOURCES_URL. */
  baseUrl: string | null;
  /** Path of the list endpoint, starting with `/`. */
  path: string;
  /** Fixed query parameters sent with every request. */
  query: Record<string, string>;
  /** Dotted path to the array of records in the JSON body; empty when the body is a bare array. */
  itemsPath: string;
  pagination: DeclarativePagination;
  /** Incremental sync: the record field holding the change time and the request parameter it is sent as. */
  incremental: { field: string; param: string } | null;
  /** Which unified kind the records become. */
  recordKind: Exclude<RecordKind, 'enterprise'>;
  fields: DeclarativeFieldMapping[];
  headers: DeclarativeHeader[];
  /** Cron schedule (node-cron syntax, 5 or 6 fields), or null for manual runs. */
  schedule: string | null;
  enabled: boolean;
}

/**
 * Identity fields enforcement and penalty mappings may fill besides the credit code
 * (which may then be blank or an organisation code): entity resolution links the
 * record by them (`RecordIdentity`).
 */
const IDENTITY_FIELDS = Object.keys(IDENTITY_TARGETS);

/** The unified fields a declarative mapping may fill, per kind (required ones first). */
export const DECLARATIVE_TARGETS: Record<DeclarativeConnectorDefinition['recordKind'], { required: string[]; optional: string[]; sourceId: string[] }> = {
  rating: { required: ['creditCode', 'level', 'ratedOn'], optional: ['updatedAt'], sourceId: ['creditCode'] },
  enforcement: {
    required: ['creditCode', 'recordId', 'kind', 'date', 'status', 'modifiedAt'],
    optional: ['finding', 'measureType', ...IDENTITY_FIELDS],
    sourceId: ['recordId'],
  },
  penalty: {
    required: ['creditCode', 'caseNo', 'decisionDate', 'amount', 'dailyConsecutive', 'status', 'modifiedAt'],
    optional: [...IDENTITY_FIELDS],
    sourceId: ['caseNo'],
  },
  monitoring: {
    required: ['creditCode', 'outletCode', 'pollutantCode', 'date', 'validHours', 'exceedHours'],
    optional: ['dailyMean', 'limit', 'unit'],
    sourceId: ['creditCode', 'outletCode', 'pollutantCode', 'date'],
  },
};

/** What a steward submits (GraphQL input or a JSON file): the definition with defaults left out and secret header values inline. */
export interface DeclarativeConnectorInputShape {
  id?: unknown;
  title?: unknown;
  owner?: unknown;
  baseUrl?: unknown;
  path?: unknown;
  query?: unknown;
  itemsPath?: unknown;
  pagination?: unknown;
  incremental?: unknown;
  recordKind?: unknown;
  fields?: unknown;
  headers?: unknown;
  schedule?: unknown;
  enabled?: unknown;
}
