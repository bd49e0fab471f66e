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
