import { RatingData, RecordKind, UnifiedRecord } from '../connectors/unified-record';

/**
 * A column of a typed table as a page's JSON rows carry it: its name, the SQL
 * type it is read as, and — for text the store indexes — the most UTF-8 bytes
 * it may hold (see `INDEXED_TEXT_MAX_BYTES`), with the unified field it comes from
 * so a refusal names that field.
 */
export interface ColumnSpec {
  name: string;
  type: string;
  /** At most this many UTF-8 bytes (the column is part of an index). */
  maxBytes?: number;
  /** The unified record's field the column holds (the row takes it from there, messages name it); defaults to the column's name in camelCase. */
  field?: string;
}

/** The field each column holds, worked out once per column (rows are built per record, millions of times a sync). */
const FIELDS = new WeakMap<ColumnSpec, string>();

/** The unified record's field `column` holds: its `field`, else its name in camelCase (`valid_hours` → `validHours`). */
export function fieldOf(column: ColumnSpec): string {
  let f = FIELDS.get(column);
  if (f === undefined) {
    f = column.field ?? column.name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    FIELDS.set(column, f);
  }
  return f;
}

/**
 * The typed row of `data` for `columns`: each column holds the data's field {@link fieldOf} names
 * (null when the record leaves it out), except the column `given` names, which holds `value` (the
 * record's credit code, which is the record's own and not part of its data). Built with the
 * columns' names and fields worked out once, properties set in column order (rows of one kind
 * share one shape, which `JSON.stringify` walks fast).
 */
function rowMapper(columns: readonly ColumnSpec[], given: string): (data: object, value: unknown) => Record<string, unknown> {
  const names = columns.map((c) => c.name);
  const fields = columns.map((c) => (c.name === given ? null : fieldOf(c)));
  return (data, value) => {
    const d = data as Record<string, unknown>;
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const f = fields[i];
      row[names[i]] = f === null ? value : (d[f] ?? null);
    }
    return row;
  };
}

/** Rows of a child table that a record's row replaces as a whole (the permits an enterprise holds). */
export interface ChildDescriptor<K extends RecordKind> {
  table: string;
  columns: readonly ColumnSpec[];
  conflictKey: readonly string[];
  /** The child's column naming its parent (the parent's one-column conflict key). */
  parentColumn: string;
  /** Where in the unified record the children sit (for messages), e.g. `permits`. */
  field: string;
  rows(record: UnifiedRecord<K>): Record<string, unknown>[];
}

/**
 * How one kind of unified record is stored: its typed table, the columns,
 * the conflict key, the column holding the source's version, and the pure
 * row mapper. `IngestService` generates its set-based upserts (one statement
 * per page and kind, see `upsert-sql.ts`) from these; adding a record kind
 * means adding a descriptor, not a statement.
 */
export interface RecordDescriptor<K extends RecordKind = RecordKind> {
  kind: K;
  table: string;
  columns: readonly ColumnSpec[];
  conflictKey: readonly string[];
  /**
   * The timestamptz column holding the source's version of the row: an
   * incoming row never replaces a stored one of a newer version (latest wins
   * whatever order pages arrive or commit in). Absent: the source has no version.
   */
  versionColumn?: string;
  /** The column bound to the connector writing the page, not to the record. */
  connectorColumn?: string;
  /** Extra assignment made when a row is updated, e.g. `updated_at = now()`. */
  onUpdate?: string;
  /** The record's version as its source stamps it (ISO 8601 with zone), or null. */
  version(record: UnifiedRecord<K>): string | null;
  /** The typed row (column → value; the connector column is not part of it). */
  row(record: UnifiedRecord<K>): Record<string, unknown>;
  children?: ChildDescriptor<K>;
  /**
   * Where the raw records are kept. `record` (the default): one `source_record`
   * row per record, whose content hash decides what changed. `batch`: one
   * `source_batch` row per written page holding the raw records of the rows
   * the page changed (a jsonb object keyed by source id), the typed table's
   * `source_batch` column naming it; what changed is decided against the
   * typed row itself. For kinds of tens of millions of small rows
   * (monitoring), where a raw record per row would double the volume.
   */
  provenance?: 'record' | 'batch';
}

/**
 * The most UTF-8 bytes a text value of a btree index may have here. A btree
 * entry holds at most 2,704 bytes (PostgreSQL 15, 8 kB pages, including its
 * header and the other key columns); incompressible text longer than this
 * makes the server refuse the row ("index row size … exceeds btree version 4
 * maximum 2704"). Identifiers get far less room: keys combine several of them.
 */
export const INDEXED_TEXT_MAX_BYTES = { name: 2_600, identifier: 500 } as const;

const ID = INDEXED_TEXT_MAX_BYTES.identifier;

/** The permits an enterprise holds (its child rows). */
const PERMIT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'credit_code', type: 'text', maxBytes: ID, field: 'creditCode' },
  { name: 'permit_no', type: 'text', maxBytes: ID, field: 'permitNo' },
  { name: 'valid_from', type: 'date' },
  { name: 'valid_to', type: 'date' },
  { name: 'status', type: 'text' },
];

const permitRow = rowMapper(PERMIT_COLUMNS, 'credit_code');

const enterprise: RecordDescriptor<'enterprise'> = {
  kind: 'enterprise',
  table: 'enterprise',
  columns: [
    { name: 'credit_code', type: 'text', maxBytes: ID, field: 'creditCode' },
    { name: 'name', type: 'text', maxBytes: INDEXED_TEXT_MAX_BYTES.name },
    { name: 'division_code', type: 'text', maxBytes: ID, field: 'divisionCode' },
    { name: 'address', type: 'text' },
    { name: 'registration_no', type: 'text', maxBytes: ID, field: 'registrationNo' },
    { name: 'longitude', type: 'float8' },
    { name: 'latitude', type: 'float8' },
    { name: 'industry_code', type: 'text' },
    { name: 'supervision_level', type: 'text' },
    { name: 'management_class', type: 'text' },
    { name: 'basin', type: 'text' },
    { name: 'pollution_types', type: 'text[]' },
    { name: 'air_sources', type: 'text[]' },
    { name: 'monitoring_facilities', type: 'text[]' },
    { name: 'source_updated_at', type: 'timestamptz', field: 'updatedAt' },
  ],
  conflictKey: ['credit_code'],
  versionColumn: 'source_updated_at',
  onUpdate: 'updated_at = now()',
  version: (r) => r.data.updatedAt ?? null,
  row: (r) => enterpriseRow(r.data, r.creditCode),
  children: {
    table: 'permit',
    columns: PERMIT_COLUMNS,
    conflictKey: ['credit_code', 'permit_no'],
    parentColumn: 'credit_code',
    field: 'permits',
    rows: (r) => r.data.permits.map((p) => permitRow(p, r.creditCode)),
  },
};

const enforcement: RecordDescriptor<'enforcement'> = {
  kind: 'enforcement',
  table: 'enforcement_record',
  columns: [
    { name: 'record_id', type: 'text', maxBytes: ID, field: 'recordId' },
    { name: 'credit_code', type: 'text', maxBytes: ID, field: 'creditCode' },
    { name: 'kind', type: 'text' },
    { name: 'event_date', type: 'date', field: 'date' },
    { name: 'finding', type: 'text' },
    { name: 'measure_type', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'modified_at', type: 'timestamptz' },
  ],
  conflictKey: ['record_id'],
  versionColumn: 'modified_at',
  version: (r) => r.data.modifiedAt,
  row: (r) => enforcementRow(r.data, r.creditCode),
};

const penalty: RecordDescriptor<'penalty'> = {
  kind: 'penalty',
  table: 'penalty',
  columns: [
    { name: 'case_no', type: 'text', maxBytes: ID, field: 'caseNo' },
    { name: 'credit_code', type: 'text', maxBytes: ID, field: 'creditCode' },
    { name: 'decision_date', type: 'date' },
    { name: 'amount', type: 'numeric' },
    { name: 'daily_consecutive', type: 'boolean' },
    { name: 'status', type: 'text' },
    { name: 'modified_at', type: 'timestamptz' },
  ],
  conflictKey: ['case_no'],
  versionColumn: 'modified_at',
  version: (r) => r.data.modifiedAt,
  row: (r) => penaltyRow(r.data, r.creditCode),
};

const monitoring: RecordDescriptor<'monitoring'> = {
  kind: 'monitoring',
  table: 'monitoring_day',
  columns: [
    { name: 'credit_code', type: 'text', maxBytes: ID, field: 'creditCode' },
    { name: 'outlet_code', type: 'text', maxBytes: ID, field: 'outletCode' },
    { name: 'pollutant_code', type: 'text', maxBytes: ID, field: 'pollutantCode' },
    { name: 'day', type: 'date', field: 'date' },
    { name: 'valid_hours', type: 'smallint' },
    { name: 'exceed_hours', type: 'smallint' },
    { name: 'daily_mean', type: 'float8' },
    { name: 'limit_value', type: 'float8', field: 'limit' },
    { name: 'unit', type: 'text' },
  ],
  conflictKey: ['credit_code', 'outlet_code', 'pollutant_code', 'day'],
  provenance: 'batch',
  version: () => null,
  row: (r) => monitoringRow(r.data, r.creditCode),
};

const rating: RecordDescriptor<'rating'> = {
  kind: 'rating',
  table: 'credit_rating',
  columns: [
    { name: 'credit_code', type: 'text', maxBytes: ID, field: 'creditCode' },
    { name: 'connector_id', type: 'text' },
    { name: 'level', type: 'text' },
    { name: 'rated_on', type: 'date' },
    { name: 'source_updated_at', type: 'timestamptz' },
  ],
  conflictKey: ['credit_code', 'connector_id'],
  connectorColumn: 'connector_id',
  versionColumn: 'source_updated_at',
  version: (r) => r.data.updatedAt ?? null,
  row: (r) => {
    const d: RatingData = r.data;
    return { credit_code: r.creditCode, level: d.level, rated_on: d.ratedOn, source_updated_at: d.updatedAt ?? null };
  },
};

const enterpriseRow = rowMapper(enterprise.columns, 'credit_code');
const enforcementRow = rowMapper(enforcement.columns, 'credit_code');
const penaltyRow = rowMapper(penalty.columns, 'credit_code');
const monitoringRow = rowMapper(monitoring.columns, 'credit_code');

/** The descriptor of every record kind the unified store holds. */
export const RECORD_DESCRIPTORS: { [K in RecordKind]: RecordDescriptor<K> } = { enterprise, enforcement, penalty, monitoring, rating };

/** The descriptor of `kind`. */
export function descriptorOf<K extends RecordKind>(kind: K): RecordDescriptor<K> {
  return RECORD_DESCRIPTORS[kind];
}
