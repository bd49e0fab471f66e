import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { withCheckChar } from '../src/domain/credit-code';
import { addDays, chinaToday } from '../src/domain/china-date';
import { WARNING_TYPES } from '../src/domain/vocabulary';
import { readBundledTagCatalogue } from '../src/tags/tag-catalogue.model';
import { DEFAULT_WARNING_PARAMETERS_VERSION, WarningParameterValidationError, readBundledWarningParameters } from '../src/warnings/warning-parameters.model';
import { TestHub, startTestHub } from './support/test-hub';

const run = promisify(execFile);
const root = path.join(__dirname, '..');

/**
 * Rules that are data (issue 15 §4): the warning parameters and the tag
 * catalogue are versions in the database, loaded from files; loading a new
 * version changes what the hub detects and derives, and the messages follow
 * the parameters. Facts are written straight into the store so the numbers
 * are exact.
 */
const T = chinaToday();
let seq = 0;
const code = () => withCheckChar(`91370102MB${String(++seq).padStart(7, '0')}`);

let hub: TestHub;
const q = (sql: string, values: unknown[] = []) => hub.tdb.db.pool.query(sql, values).then((r) => r.rows);

beforeAll(async () => {
  hub = await startTestHub({ server: false });
});
afterAll(async () => hub?.close());

describe('warning parameters as versioned data', () => {
  async function exceedDays(c: string, daysAgo: number[]) {
    await q(`insert into enterprise (credit_code, name, division_code) values ($1, $2, '370102')`, [c, `企业${c.slice(-5)}`]);
    for (const n of daysAgo) {
      await q(
        `insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours) values ($1, 'DA001', 'a21026', $2, 24, 3)`,
        [c, addDays(T, -n)],
      );
    }
  }

  it('the start-up loader stored the shipped version, active, and the warning types of the vocabulary', async () => {
    expect(await q(`select version, active from warning_parameter_set order by version`)).toEqual([
      { version: 'SD-WARN-2021', active: false },
      { version: DEFAULT_WARNING_PARAMETERS_VERSION, active: true },
    ]);
    expect((await q(`select code from warning_type order by position`)).map((r) => r.code)).toEqual(WARNING_TYPES);
    await expect(q(`insert into warning (type, credit_code, severity, message) values ('NO_SUCH_TYPE', $1, 'LOW', 'x')`, [code()])).rejects.toThrow(
      /foreign key|violates/,
    );
  });

  it('a new version changes detection, severities and the message text; versions are immutable', async () => {
    const c = code();
    // 2 exceedance days within the last 3 days, none in the 3 before; under the shipped version (3 in 7) no warning.
    await exceedDays(c, [0, 2]);
    const before = await hub.services.warnings.detection.detect({ targets: { kind: 'codes', codes: [c] }, today: T });
    expect(before.parameterVersion).toBe(DEFAULT_WARNING_PARAMETERS_VERSION);
    expect(await q(`select * from warning where credit_code = $1`, [c])).toHaveLength(0);

    const base = readBundledWarningParameters();
    const next = {
      ...base,
      version: 'TEST-WARN-2',
      detectors: {
        ...base.detectors,
        EXCEED_TREND: { severity: 'LOW', escalatedSeverity: 'HIGH', windowDays: 3, minDays: 2, growthFactor: 1.5, escalateAtDays: 3 },
      },
    };
    const repo = hub.services.warnings.parameters;
    await repo.load(next);
    await repo.load(next); // the same definition again: a no-op
    await expect(repo.load({ ...next, title: 'changed' })).rejects.toThrow(WarningParameterValidationError);
    await expect(repo.load({ ...next, version: 'TEST-BAD', detectors: { ...next.detectors, SCORE_DROP: { severity: 'URGENT', points: 0 } } })).rejects.toThrow(
      /SCORE_DROP\.severity must be one of LOW, MEDIUM, HIGH.*SCORE_DROP\.points must be an integer from 1.*SCORE_DROP\.windowDays must be/,
    );
    await repo.activate('TEST-WARN-2');

    const after = await hub.services.warnings.detection.detect({ targets: { kind: 'codes', codes: [c] }, today: T });
    expect(after.parameterVersion).toBe('TEST-WARN-2');
    const [w] = await q(`select type, severity, message, parameter_version, details from warning where credit_code = $1`, [c]);
    expect(w).toMatchObject({ type: 'EXCEED_TREND', severity: 'LOW', parameter_version: 'TEST-WARN-2' });
    expect(w.details).toMatchObject({ recentDays: 2, previousDays: 0 });
    expect(w.message).toBe('outlet DA001, pollutant a21026: 2 exceedance days in the last 3 days against 0 in the 3 days before');

    // One more exceedance day reaches escalateAtDays: the live warning's severity follows.
    await q(`insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours) values ($1, 'DA001', 'a21026', $2, 24, 3)`, [
      c,
      addDays(T, -1),
    ]);
    await hub.services.warnings.detection.detect({ targets: { kind: 'codes', codes: [c] }, today: T });
    expect(await q(`select severity, message from warning where credit_code = $1`, [c])).toEqual([
      { severity: 'HIGH', message: 'outlet DA001, pollutant a21026: 3 exceedance days in the last 3 days against 0 in the 3 days before' },
    ]);

    // Back to the shipped version: 3 days in 7 still hold there, with its severity and its numbers in the message.
    await repo.activate(DEFAULT_WARNING_PARAMETERS_VERSION);
    await hub.services.warnings.detection.detect({ targets: { kind: 'codes', codes: [c] }, today: T });
    expect(await q(`select status, severity, message from warning where credit_code = $1`, [c])).toEqual([
      { status: 'OPEN', severity: 'MEDIUM', message: 'outlet DA001, pollutant a21026: 3 exceedance days in the last 7 days against 0 in the 7 days before' },
    ]);
    // Once the days are gone the condition clears, and the reason quotes the active version's numbers.
    await q(`delete from monitoring_day where credit_code = $1`, [c]);
    await hub.services.warnings.detection.detect({ targets: { kind: 'codes', codes: [c] }, today: T });
    expect(await q(`select status, resolve_note from warning where credit_code = $1`, [c])).toEqual([
      {
        status: 'RESOLVED',
        resolve_note: 'condition cleared: exceedance days of the last 7 days are below 3 or below 2 times those of the 7 days before',
      },
    ]);
  });

  it('`hub warnings load FILE` loads and activates a version from a file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-warn-'));
    const file = path.join(dir, 'wp.json');
    const base = readBundledWarningParameters();
    fs.writeFileSync(
      file,
      JSON.stringify({ ...base, version: 'TEST-WARN-CLI', detectors: { ...base.detectors, SCORE_DROP: { ...base.detectors.SCORE_DROP, points: 15 } } }),
    );
    const { stdout } = await run('node', [path.join(root, 'bin', 'hub.js'), 'warnings', 'load', file], {
      env: { ...process.env, DATABASE_URL: hub.tdb.url, LOG_LEVEL: 'warn' },
    });
    expect(stdout).toMatch(/warning parameters TEST-WARN-CLI active/);
    expect(await q(`select version from warning_parameter_set where active`)).toEqual([{ version: 'TEST-WARN-CLI' }]);
    expect((await hub.services.warnings.parameters.active()).detectors.SCORE_DROP.points).toBe(15);
    await hub.services.warnings.parameters.activate(DEFAULT_WARNING_PARAMETERS_VERSION);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('tag catalogue as versioned data: hub tags load', () => {
  it('a new catalogue version re-derives the tags of every enterprise; loading it again changes nothing', async () => {
    const steel = code();
    const other = code();
    await q(
      `insert into enterprise (credit_code, name, division_code, industry_code) values ($1, '钢铁企业', '370102', 'C3110'), ($2, '其他企业', '370102', 'C3511')`,
      [steel, other],
    );
    await hub.services.tags.retagAll();
    const tagsOf = async (c: string) =>
      (
        await q(
          `select array(select t.code from enterprise_tags s cross join unnest(s.tag_ids) x join tag t on t.id = x
                                                  where s.credit_code = $1 order by t.code) as codes`,
          [c],
        )
      )[0].codes as string[];
    expect(await tagsOf(steel)).toContain('INDUSTRY/steel');
    expect(await tagsOf(other)).toContain('INDUSTRY/other-industry');

    // The new version: industry C35 (special equipment) becomes a tag of its own; steel keeps its rule.
    const doc = readBundledTagCatalogue();
    const industry = doc.categories.find((c) => c.code === 'INDUSTRY')!;
    const next = {
      ...doc,
      version: 'TEST-TAGS-2',
      categories: doc.categories.map((c) =>
        c !== industry
          ? c
          : {
              ...c,
              tags: [
                ...c.tags,
                {
                  slug: 'special-equipment',
                  label: '专用设备',
                  labelEn: 'Special equipment',
                  rules: [{ kind: 'prefix', field: 'industry_code', value: 'C35' }],
                },
              ],
            },
      ),
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-tags-'));
    const file = path.join(dir, 'catalogue.json');
    fs.writeFileSync(file, JSON.stringify(next));
    const cli = () =>
      run('node', [path.join(root, 'bin', 'hub.js'), 'tags', 'load', file], { env: { ...process.env, DATABASE_URL: hub.tdb.url, LOG_LEVEL: 'warn' } });
    const first = await cli();
    expect(first.stdout).toMatch(/tag catalogue TEST-TAGS-2 active: \d+ enterprises re-derived, [1-9]\d* changed/);
    expect(await q(`select version, active from tag_catalogue order by loaded_at`)).toEqual([
      { version: 'SD-TAGS-2021', active: false },
      { version: 'TEST-TAGS-2', active: true },
    ]);
    expect(await tagsOf(other)).toEqual(expect.arrayContaining(['INDUSTRY/special-equipment']));
    expect(await tagsOf(other)).not.toContain('INDUSTRY/other-industry');
    expect(await tagsOf(steel)).toContain('INDUSTRY/steel');
    expect((await q(`select distinct catalogue_version from tag_rule`)).map((r) => r.catalogue_version)).toEqual(['TEST-TAGS-2']);

    const again = await cli();
    expect(again.stdout).toMatch(/TEST-TAGS-2 is already the active one; nothing changed/);
    fs.writeFileSync(file, JSON.stringify({ ...next, description: 'edited without a new version' }));
    await expect(cli()).rejects.toMatchObject({ stderr: expect.stringMatching(/already loaded with a different definition/) });

    // The in-process service follows too, and the shipped version can be made active again.
    const back = await hub.services.tags.loadCatalogue(doc);
    expect(back).toMatchObject({ version: 'SD-TAGS-2021', activated: true });
    expect(await tagsOf(other)).toContain('INDUSTRY/other-industry');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('migrations are frozen', () => {
  it('no file in migrations/ imports or requires anything from src/', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(path.join(root, 'migrations'));
    expect(files.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const s of specifiers) {
        const resolved = s.startsWith('.') ? path.resolve(path.dirname(f), s) : s;
        if (resolved.startsWith(path.join(root, 'src') + path.sep) || resolved === path.join(root, 'src') || /(^|\/)src\//.test(s))
          offenders.push(`${path.relative(root, f)} → ${s}`);
      }
      // Nor may a migration read the live files of the repository at run time.
      if (/projectRoot|readFileSync|readdirSync/.test(text)) offenders.push(`${path.relative(root, f)} reads files`);
    }
    expect(offenders).toEqual([]);
  });
});
