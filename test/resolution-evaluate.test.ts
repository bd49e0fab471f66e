import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withCheckChar } from '../src/domain/credit-code';
import { addDays, chinaToday } from '../src/domain/china-date';
import { withOrgCheckChar } from '../src/resolution/org-code';
import { evaluateResolution, formatResolutionFigures, TruthRecord } from '../src/resolution/resolution-evaluation';
import { spawnHub } from './support/hub-process';
import { TestHub, startTestHub } from './support/test-hub';

/**
 * Nothing lost (issue 20): on a generated province with identity noise, every noisy
 * record is linked, queued or quarantined — counted against the simulator's truth —
 * and automatic links name the enterprise the truth names. `hub resolve --evaluate`
 * and `hub resolve --queue` print the same figures, from the real CLI.
 */
describe('entity resolution against the simulator truth', () => {
  let hub: TestHub;
  let truth: TruthRecord[];
  const cli = (args: string[]) => spawnHub(['resolve', ...args], { DATABASE_URL: hub.tdb.url, HUB_SOURCES_URL: hub.sim.url, LOG_LEVEL: 'warn' });

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 400, identityNoise: 0.2, identityNoiseSeed: 7 }, server: false });
    truth = ((await (await fetch(`${hub.sim.url}/admin/truth`)).json()) as { records: TruthRecord[] }).records;
    await hub.services.runner.syncAll(['permit', 'enforcement', 'penalty'], 'test');
  });
  afterAll(async () => hub?.close());

  it('links, queues or quarantines every noisy record, and automatic links are right', async () => {
    expect(truth.length).toBeGreaterThan(50);
    expect(new Set(truth.map((t) => t.system))).toEqual(new Set(['enforcement', 'penalty']));
    const e = await evaluateResolution(hub.services.db.pool, truth);
    hub.logs.push(...formatResolutionFigures(e));
    expect(e.all.lost).toBe(0);
    expect(e.all.noisy).toBe(truth.length);
    expect(e.all.autoLinked + e.all.stewardLinked + e.all.queued + e.all.quarantined).toBe(truth.length);
    expect(e.all.precision).toBeGreaterThanOrEqual(0.99);
    expect(e.all.recall).toBeGreaterThanOrEqual(0.9);
    // Organisation codes, permit and registration numbers are deterministic: all of them link, to the right enterprise.
    for (const key of ['ORG_CODE', 'PERMIT_NO', 'REGISTRATION_NO'])
      expect({ key, ...e.all.byVariant[key] }).toMatchObject({ key, noisy: expect.any(Number), wrong: 0, queued: 0, quarantined: 0, lost: 0 });
    expect(e.all.byKey.REGISTRATION_NO).toBe(e.all.byVariant.REGISTRATION_NO.autoCorrect);
  });

  it('hub resolve --evaluate prints the figures per source and per variant, and --json the same numbers', async () => {
    const e = await evaluateResolution(hub.services.db.pool, truth);
    const text = cli(['--evaluate']);
    expect(await text.exited).toBe(0);
    for (const line of formatResolutionFigures(e)) expect(text.output()).toContain(line);
    expect(text.output()).toMatch(/^enforcement +noisy \d+: auto-linked \d+ .*precision [\d.]+ %, recall [\d.]+ %/m);
    expect(text.output()).toMatch(/^penalty +noisy \d+/m);
    const json = cli(['--evaluate', '--json']);
    expect(await json.exited).toBe(0);
    expect(JSON.parse(json.output())).toEqual(JSON.parse(JSON.stringify(e)));
  });

  it('hub resolve --evaluate --truth FILE exits 1 when a noisy record is lost, and says how many', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hub-truth-')), 'truth.json');
    const ghost = { system: 'enforcement', recordId: 'ENF-NEVER-SENT', creditCode: truth[0].creditCode, variant: 'NAME_TYPO' };
    fs.writeFileSync(file, JSON.stringify([...truth, ghost]));
    const run = cli(['--evaluate', '--truth', file]);
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(new RegExp(`^all +noisy ${truth.length + 1}: .*, lost 1$`, 'm'));
  });

  it('hub resolve --queue lists the open review queue with each entry candidates', async () => {
    const T = chinaToday();
    const at = (n: number) => `${addDays(T, -n)}T10:00:00+08:00`;
    const code = (body: string) => withCheckChar(`91370102${withOrgCheckChar(body)}`);
    const twins = [
      [code('MA6Q5R4T'), '济南澜泰热电有限公司'],
      [code('MA6Q5R4U'), '济南澜泰热力有限公司'],
    ];
    await hub.postRecords(
      'permit',
      twins.map(([c, name]) => ({
        creditCode: c,
        name,
        divisionCode: '370102',
        pollutionTypes: [],
        airSources: [],
        monitoringFacilities: [],
        permits: [],
        // newer than the generated province's, so the permit connector's watermark takes it
        updatedAt: new Date().toISOString(),
      })),
    );
    await hub.postRecords('enforcement', [
      {
        record_id: 'ENF-CLI-Q',
        kind: 'INSPECTION',
        credit_code: '',
        date: addDays(T, -2),
        finding: 'VIOLATION',
        status: 'ACTIVE',
        modified_at: at(1),
        enterprise_name: '济南澜泰热点有限公司',
        division_code: '370102',
      },
    ]);
    await hub.services.runner.syncAll(['permit', 'enforcement'], 'test');
    const open = (await hub.services.db.pool.query<{ n: number }>(`select count(*)::int as n from resolution_queue where status = 'OPEN'`)).rows[0].n;
    expect(open).toBeGreaterThanOrEqual(1);
    const run = cli(['--queue', '--first', '100']);
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(new RegExp(`^${open} open entr(y|ies)$`, 'm'));
    const line = run
      .output()
      .split('\n')
      .find((l) => l.includes('enforcement/ENF-CLI-Q'))!;
    expect(line).toContain("'济南澜泰热点有限公司' 370102");
    for (const [c, name] of twins) expect(line).toContain(`${c} ${name}`);
    const usage = cli([]);
    expect(await usage.exited).toBe(2);
    expect(usage.output()).toContain('hub resolve --evaluate');
  });
});
