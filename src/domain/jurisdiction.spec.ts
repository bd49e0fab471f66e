import fs from 'node:fs';
import path from 'node:path';
import { SqlParams, ancestorCodes, ancestorCodesSql, divisionAt, inSubtree, subtreeSql } from './jurisdiction';

/** The division list the hub ships (`data/divisions-shandong.csv`), as (code, level, parent). */
function shippedDivisions(): { code: string; level: 'PROVINCE' | 'CITY' | 'COUNTY'; parent: string | null }[] {
  const csv = fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'divisions-shandong.csv'), 'utf8');
  return csv
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(','))
    .map(([code, , level, parent]) => ({ code, level: level as never, parent: parent || null }));
}

describe('jurisdiction (domain.md §5)', () => {
  const divisions = shippedDivisions();
  const byCode = new Map(divisions.map((d) => [d.code, d]));
  /** Containment by walking the parents of the shipped list: the reference the prefix rule must agree with. */
  const walks = (ancestor: string, code: string) => {
    for (let d = byCode.get(code); d; d = d.parent ? byCode.get(d.parent) : undefined) if (d.code === ancestor) return true;
    return false;
  };

  it('agrees with the parent links of every shipped division, for every pair (province, cities, counties)', () => {
    expect(divisions.length).toBeGreaterThan(150);
    let inside = 0;
    const disagreements: string[] = [];
    for (const scope of divisions) {
      for (const d of divisions) {
        const got = inSubtree({ divisionCode: scope.code, level: scope.level }, d.code);
        if (got !== walks(scope.code, d.code)) disagreements.push(`${scope.code} ⊇ ${d.code}: ${got}`);
        if (got) inside++;
      }
    }
    expect(disagreements).toEqual([]);
    // 168 divisions: the province contains all, each city itself and its counties, each county itself.
    expect(inside).toBe(divisions.length + (divisions.length - 1) + divisions.filter((d) => d.level === 'COUNTY').length * 1);
  });

  it('lists the province, city and county containing a county, in TypeScript and as SQL expressions', () => {
    expect(ancestorCodes('370102')).toEqual(['370000', '370100', '370102']);
    expect(ancestorCodes('370100')).toEqual(['370000', '370100']);
    expect(divisionAt('371728', 'CITY')).toBe('371700');
    expect(ancestorCodesSql('e.division_code')).toEqual([`left(e.division_code, 2) || '0000'`, `left(e.division_code, 4) || '00'`, 'e.division_code']);
  });

  it('writes the SQL predicate for the indexes: prefix for a province, city_code for a city, equality for a county', () => {
    const p = new SqlParams();
    const cols = { code: 'e.division_code', city: 'e.city_code' };
    expect(subtreeSql({ divisionCode: '370000', level: 'PROVINCE' }, p, cols)).toBe('e.division_code like $1');
    expect(subtreeSql({ divisionCode: '370200', level: 'CITY' }, p, cols)).toBe('e.city_code = $2');
    expect(subtreeSql({ divisionCode: '370102', level: 'COUNTY' }, p, cols)).toBe('e.division_code = $3');
    expect(subtreeSql({ divisionCode: '370200', level: 'CITY' }, p, { code: 'h.division_code' })).toBe('h.division_code like $4');
    expect(p.values).toEqual(['37%', '370200', '370102', '3702%']);
  });
});
