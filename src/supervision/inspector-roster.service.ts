import { parse } from 'csv-parse/sync';
import { Pool } from 'pg';
import { DivisionDirectory } from '../divisions/division-directory';
import { Scope, SqlParams } from '../jurisdiction/scope';
import { ClientError } from '../domain/client-error';

/** An inspector of a county bureau's roster. Never public. */
export interface InspectorRow {
  id: string;
  name: string;
  divisionCode: string;
  capacityPerQuarter: number;
  conflicts: string[];
}

/** A roster file that cannot be imported. */
export class RosterFileError extends ClientError {}

/**
 * The inspector roster: imported from CSV (`id,name,divisionCode,capacityPerQuarter,conflicts`,
 * conflicts as credit codes separated by `;`) in one set-based upsert, listed inside a
 * caller's jurisdiction.
 */
export class InspectorRosterService {
  constructor(
    private readonly pool: Pool,
    private readonly divisions: DivisionDirectory,
  ) {}

  /** Parses and checks a roster CSV; every problem is listed at once. */
  parseCsv(text: string): InspectorRow[] {
    const records = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
    const problems: string[] = [];
    const seen = new Set<string>();
    const rows = records.map((r, i) => {
      const line = i + 2;
      const id = r.id ?? '';
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) problems.push(`line ${line}: id must be 1–64 letters, digits, . _ -`);
      if (seen.has(id)) problems.push(`line ${line}: inspector ${id} appears twice`);
      seen.add(id);
      if (!r.name) problems.push(`line ${line}: name is empty`);
      const d = this.divisions.get(r.divisionCode ?? '');
      if (!d) problems.push(`line ${line}: divisionCode '${r.divisionCode ?? ''}' is not a known division`);
      const capacity = Number(r.capacityPerQuarter);
      if (!Number.isInteger(capacity) || capacity < 0) problems.push(`line ${line}: capacityPerQuarter must be a whole number ≥ 0`);
      const conflicts = (r.conflicts ?? '')
        .split(';')
        .map((c) => c.trim())
        .filter(Boolean);
      for (const c of conflicts) if (!/^[0-9A-Z]{18}$/.test(c)) problems.push(`line ${line}: conflict '${c}' is not a credit code`);
      return { id, name: r.name ?? '', divisionCode: r.divisionCode ?? '', capacityPerQuarter: capacity, conflicts };
    });
    if (problems.length) throw new RosterFileError(`roster not imported:\n${problems.join('\n')}`);
    return rows;
  }

  /** Inserts or replaces the inspectors given (others stay). Returns how many were written. */
  async upsert(rows: InspectorRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const res = await this.pool.query(
      `insert into inspector (id, name, division_code, capacity_per_quarter, conflicts)
       select r.id, r.name, r.division_code, r.capacity, string_to_array(r.conflicts, ';')
         from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[]) as r(id, name, division_code, capacity, conflicts)
       on conflict (id) do update set name = excluded.name, division_code = excluded.division_code,
         capacity_per_quarter = excluded.capacity_per_quarter, conflicts = excluded.conflicts, updated_at = now()`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.name),
        rows.map((r) => r.divisionCode),
        rows.map((r) => r.capacityPerQuarter),
        rows.map((r) => r.conflicts.join(';')),
      ],
    );
    return res.rowCount ?? 0;
  }

  /** Inspectors inside a jurisdiction, by id. */
  async list(scope: Scope, first = 100, after?: string): Promise<InspectorRow[]> {
    const p = new SqlParams();
    const pred = this.predicate(scope, p);
    const afterClause = after ? `and i.id > ${p.add(after)}` : '';
    const res = await this.pool.query<InspectorRow>(
      `select i.id, i.name, i.division_code as "divisionCode", i.capacity_per_quarter as "capacityPerQuarter", i.conflicts
         from inspector i where ${pred} ${afterClause} order by i.id limit ${p.add(first)}`,
      p.values,
    );
    return res.rows;
  }

  /** SQL predicate on `inspector i` for a jurisdiction. */
  predicate(scope: Pick<Scope, 'divisionCode' | 'level'>, p: SqlParams): string {
    switch (scope.level) {
      case 'PROVINCE':
        return `i.division_code like ${p.add(scope.divisionCode.slice(0, 2) + '%')}`;
      case 'CITY':
        return `substr(i.division_code, 1, 4) = ${p.add(scope.divisionCode.slice(0, 4))}`;
      case 'COUNTY':
        return `i.division_code = ${p.add(scope.divisionCode)}`;
    }
  }
}
