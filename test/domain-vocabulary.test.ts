import { DivisionDirectory } from '../src/divisions/division-directory';
import { DivisionLevel, SqlParams, ancestorCodes, ancestorCodesSql, inSubtree, subtreeSql } from '../src/domain/jurisdiction';
import { RISK_LEVELS, riskLevelSql, riskOf } from '../src/domain/risk-band';
import * as V from '../src/domain/vocabulary';
import { divisionPredicate } from '../src/jurisdiction/scope';
import { TestDatabase, createTestDatabase } from './support/test-database';

/**
 * The one vocabulary of `src/domain/` against a migrated PostgreSQL: the SQL
 * each definition generates selects exactly what its in-memory twin says, over
 * the real division codes the migrations load, and the store's CHECK
 * constraints accept exactly the domain's codes.
 */
describe('domain vocabulary in SQL and in memory', () => {
  let tdb: TestDatabase;
  const q = <T = any>(sql: string, values: unknown[] = []) => tdb.db.pool.query(sql, values).then((r) => r.rows as T[]);

  beforeAll(async () => {
    tdb = await createTestDatabase();
    // One enterprise per county (the county a jurisdiction is decided on); city_code is the store's generated column.
    await q(`insert into enterprise (credit_code, name, division_code)
             select '91' || code || 'TESTCO0001', 'test ' || code, code from division where level = 'COUNTY'`);
  });
  afterAll(async () => tdb?.drop());

  it('the risk band in SQL gives what riskOf gives, at 85/60 and around them', async () => {
    const scores = [100, 86, 85, 84, 61, 60, 59, 0, -134];
    for (const t of [
      { low: 85, medium: 60 },
      { low: 90, medium: 70 },
    ]) {
      const rows = await q<{ s: number; level: string }>(`select s, ${riskLevelSql('s', t)} as level from unnest($1::int[]) as s order by s desc`, [scores]);
      expect(rows.map((r) => r.level)).toEqual(scores.map((s) => riskOf(s, t)));
    }
  });

  it('the jurisdiction predicate in SQL selects what inSubtree and the division directory say, for every province, city and county', async () => {
    const divisions = await q<{ code: string; level: DivisionLevel }>(`select code, level from division order by code`);
    const counties = divisions.filter((d) => d.level === 'COUNTY').map((d) => d.code);
    const directory = await DivisionDirectory.load(tdb.db.pool);
    expect(new Set(divisions.map((d) => d.level))).toEqual(new Set(['PROVINCE', 'CITY', 'COUNTY']));
    const disagreements: string[] = [];
    for (const d of divisions) {
      const scope = { divisionCode: d.code, level: d.level };
      const p = new SqlParams();
      const bySql = (
        await q<{ division_code: string }>(`select e.division_code from enterprise e where ${divisionPredicate(scope, p)} order by 1`, p.values)
      ).map((r) => r.division_code);
      const p2 = new SqlParams();
      const byPlainSql = (
        await q<{ code: string }>(`select code from division x where x.level = 'COUNTY' and ${subtreeSql(scope, p2, { code: 'x.code' })} order by 1`, p2.values)
      ).map((r) => r.code);
      const inMemory = counties.filter((c) => inSubtree(scope, c));
      const byTree = counties.filter((c) => directory.contains(d.code, c));
      if (
        JSON.stringify(bySql) !== JSON.stringify(inMemory) ||
        JSON.stringify(byPlainSql) !== JSON.stringify(inMemory) ||
        JSON.stringify(byTree) !== JSON.stringify(inMemory)
      ) {
        disagreements.push(`${d.code} ${d.level}: sql ${bySql.length}, plain ${byPlainSql.length}, memory ${inMemory.length}, tree ${byTree.length}`);
      }
      expect(inMemory.length).toBe(
        d.level === 'PROVINCE' ? counties.length : d.level === 'CITY' ? counties.filter((c) => c.startsWith(d.code.slice(0, 4))).length : 1,
      );
    }
    expect(disagreements).toEqual([]);
  });

  it('the divisions containing a county are the same in SQL and in memory, and each is a real division', async () => {
    const rows = await q<{ code: string; up: string[] }>(
      `select code, array[${ancestorCodesSql('code').join(', ')}] as up from division where level = 'COUNTY'`,
    );
    const known = new Set((await q<{ code: string }>(`select code from division`)).map((r) => r.code));
    for (const r of rows) {
      expect(r.up).toEqual(ancestorCodes(r.code));
      expect(r.up.every((c) => known.has(c))).toBe(true);
    }
  });

  it('the CHECK constraints of the store accept exactly the domain codes', async () => {
    const allowed = async (table: string, column: string): Promise<string[]> => {
      const [row] = await q<{ def: string }>(
        `select pg_get_constraintdef(c.oid) as def from pg_constraint c
           join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
          where c.conrelid = $1::regclass and c.contype = 'c' and a.attname = $2 and cardinality(c.conkey) = 1`,
        [table, column],
      );
      expect(row).toBeDefined();
      return [...row.def.matchAll(/'([^']*)'::text/g)].map((m) => m[1]).sort();
    };
    const cases: [string, string, readonly string[]][] = [
      ['division', 'level', ['PROVINCE', 'CITY', 'COUNTY']],
      ['enterprise', 'risk_level', RISK_LEVELS],
      ['permit', 'status', V.PERMIT_STATUSES],
      ['enforcement_record', 'kind', V.ENFORCEMENT_KINDS],
      ['enforcement_record', 'finding', V.FINDINGS],
      ['enforcement_record', 'measure_type', V.MEASURE_TYPES],
      ['enforcement_record', 'status', V.ENFORCEMENT_STATUSES],
      ['penalty', 'status', V.PENALTY_STATUSES],
      ['credit_rating', 'level', V.CREDIT_LEVELS],
      ['rule', 'family', V.RULE_FAMILIES],
      ['warning', 'severity', V.WARNING_SEVERITIES],
      ['warning', 'status', V.WARNING_STATUSES],
      ['warning', 'resolution', V.WARNING_RESOLUTIONS],
    ];
    for (const [table, column, codes] of cases) expect([table, column, await allowed(table, column)]).toEqual([table, column, [...codes].sort()]);
  });
});
