import { ChildDescriptor, ColumnSpec, RecordDescriptor } from './record-descriptors';
import { RecordKind } from '../connectors/unified-record';

/** `x(a text, b date, …)`: the record type a page's JSON rows are read as. */
function recordType(columns: readonly ColumnSpec[]): string {
  return columns.map((c) => `${c.name} ${c.type}`).join(', ');
}

/** Row comparison of the stored row `t` with the incoming one: true when any column differs. */
function differs(table: string, columns: readonly string[]): string {
  return `(${columns.map((c) => `${table}.${c}`).join(', ')}) is distinct from (${columns.map((c) => `excluded.${c}`).join(', ')})`;
}

/**
 * The upsert of one page of `d`'s rows in one statement: `$1` the rows as a
 * JSON array, `$2` the connector (when the kind has a connector column). A
 * stored row is replaced only when the incoming one differs and is not of an
 * older version than it (`versionColumn`; a missing version on either side
 * does not decide), so an older version never overwrites a newer one.
 */
export function upsertSql<K extends RecordKind>(d: RecordDescriptor<K>): string {
  const names = d.columns.map((c) => c.name);
  const fromJson = d.columns.filter((c) => c.name !== d.connectorColumn);
  const select = names.map((n) => (n === d.connectorColumn ? '$2::text' : n)).join(', ');
  const updated = names.filter((n) => !d.conflictKey.includes(n));
  const set = [...updated.map((n) => `${n} = excluded.${n}`), ...(d.onUpdate ? [d.onUpdate] : [])].join(', ');
  const guards = [differs(d.table, updated)];
  if (d.versionColumn) guards.push(`coalesce(excluded.${d.versionColumn} >= ${d.table}.${d.versionColumn}, true)`);
  return `insert into ${d.table} (${names.join(', ')})
       select ${select}
         from jsonb_to_recordset($1::jsonb) as x(${recordType(fromJson)})
       on conflict (${d.conflictKey.join(', ')}) do update set ${set}
         where ${guards.join(' and ')}`;
}

/**
 * A row's key as text in SQL: its conflict-key columns joined by `/`, dates as
 * `YYYY-MM-DD` — for monitoring `credit_code/outlet_code/pollutant_code/day`,
 * which is what a monitoring deduction names (its credit code, then its
 * record id). The key a `source_batch` payload holds each raw record under.
 */
export function rowKeySql<K extends RecordKind>(d: RecordDescriptor<K>, alias: string): string {
  const typeOf = new Map(d.columns.map((c) => [c.name, c.type]));
  return `concat_ws('/', ${d.conflictKey.map((c) => (typeOf.get(c) === 'date' ? `to_char(${alias}.${c}, 'YYYY-MM-DD')` : `${alias}.${c}`)).join(', ')})`;
}

/**
 * The write of one page of a batch-provenance kind (`provenance: 'batch'`) in
 * one statement: `$1` the typed rows as a JSON array, `$2` the connector, `$3`
 * the page's raw records as one JSON object keyed by row key (see
 * {@link rowKeySql}; the key columns joined by `/`). Rows that differ from the
 * stored ones (or are new) are written, naming a new `source_batch` row that
 * holds the raw records of exactly those rows under their row keys: the page's
 * object as it came when every row changed (a first load; parsed once, no
 * per-row aggregation, no row key built), else the entries of the changed
 * rows; a page that changed nothing writes no batch. Rows are written in key
 * order (index pages touched in order, and concurrent writers of the same
 * rows, such as the gateway's provisional summaries, lock them in the same
 * order). The typed rows are read as `json`, not `jsonb`: read once, a binary
 * tree of them would be built only to be walked. Returns one row: `n`, how
 * many rows changed, and `codes`, their distinct credit codes (the conflict
 * key holds `credit_code`).
 */
export function batchUpsertSql<K extends RecordKind>(d: RecordDescriptor<K>): string {
  if (!d.conflictKey.includes('credit_code')) throw new Error(`batch provenance needs credit_code in the conflict key of ${d.table}`);
  const names = d.columns.map((c) => c.name);
  const updated = names.filter((n) => !d.conflictKey.includes(n));
  const set = [...updated.map((n) => `${n} = excluded.${n}`), 'source_batch = excluded.source_batch', ...(d.onUpdate ? [d.onUpdate] : [])].join(', ');
  return `with x as materialized (
         select * from json_to_recordset($1::json) as x(${recordType(d.columns)})
       ), b as materialized (
         select nextval(pg_get_serial_sequence('source_batch', 'id')) as id
       ), u as (
         insert into ${d.table} (${names.join(', ')}, source_batch)
         select ${names.map((n) => `x.${n}`).join(', ')}, (select id from b) from x order by ${d.conflictKey.map((c) => `x.${c}`).join(', ')}
         on conflict (${d.conflictKey.join(', ')}) do update set ${set}
           where ${differs(d.table, updated)}
         returning ${d.conflictKey.join(', ')}
       ), changed as materialized (
         select * from u
       ), page as materialized (
         select $3::jsonb as payload, (select count(*) from x) as rows
       ), counted as materialized (
         select count(*) as n from changed
       ), batch as (
         insert into source_batch (id, connector_id, kind, row_count, payload)
         select (select id from b), $2, '${d.kind}', c.n,
                case when c.n = p.rows then p.payload else (select jsonb_object_agg(${rowKeySql(d, 'k')}, p.payload -> ${rowKeySql(d, 'k')}) from changed k) end
           from counted c cross join page p where c.n > 0
       )
       select (select n from counted)::int as n, array(select distinct credit_code from changed) as codes`;
}

/**
 * Replaces the children of a page's parents in one statement: `$1` the
 * parents as a JSON array of `{key, version}`, `$2` the children's rows. The
 * children of a parent whose stored row is of a newer version than the
 * incoming one are left alone (the parent's upsert kept the newer row);
 * otherwise children the source no longer lists are deleted and the others
 * upserted (only when they differ).
 */
export function replaceChildrenSql<K extends RecordKind>(parent: RecordDescriptor<K>, child: ChildDescriptor<K>): string {
  const key = parent.conflictKey[0];
  const names = child.columns.map((c) => c.name);
  const updated = names.filter((n) => !child.conflictKey.includes(n));
  const version = parent.versionColumn ? `join ${parent.table} t on t.${key} = k.key where coalesce(k.version >= t.${parent.versionColumn}, true)` : '';
  const sameKey = child.conflictKey.map((c) => `x.${c} = c.${c}`).join(' and ');
  return `with parent as materialized (
         select k.key from jsonb_to_recordset($1::jsonb) as k(key text, version timestamptz) ${version}
       ), x as materialized (
         select distinct on (${child.conflictKey.join(', ')}) ${names.join(', ')}
           from jsonb_to_recordset($2::jsonb) as x(${recordType(child.columns)})
          where ${child.parentColumn} in (select key from parent)
       ), gone as (
         delete from ${child.table} c where c.${child.parentColumn} in (select key from parent)
            and not exists (select 1 from x where ${sameKey})
       )
       insert into ${child.table} (${names.join(', ')})
       select ${names.join(', ')} from x
       on conflict (${child.conflictKey.join(', ')}) do update
         set ${updated.map((n) => `${n} = excluded.${n}`).join(', ')}
         where ${differs(child.table, updated)}`;
}
