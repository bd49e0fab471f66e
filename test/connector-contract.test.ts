import fs from 'node:fs';
import path from 'node:path';
import { codeConnectors } from '../connectors';
import { ConnectorConfig, FetchContext, SourceConnector, historyWindow, resolveConfig } from '../src/connectors/connector.types';
import { HttpClient } from '../src/connectors/http.client';
import { createDeclarativeConnector } from '../src/connectors/declarative/declarative.connector';
import { validateDeclarativeInput } from '../src/connectors/declarative/declarative-definition.validator';
import { validateRecord } from '../src/ingest/record-validator';
import { connectorManifestSchema } from '../src/connectors/connector-manifest.schema';
import { parseCsvObjects } from '../connectors/penalty/penalty-csv.parser';
import { startSimulator } from '../simulator/sim.server';
import { chinaDateOf } from '../src/domain/china-date';
import { SourceRecording, recordSource, replaySource } from './support/recorded-source';
import creditDefinition from '../connectors/credit-rating.declarative.json';

const ROOT = path.join(__dirname, '..', 'connectors');
const DIVISIONS = new Set(
  fs
    .readFileSync(path.join(__dirname, '..', 'data', 'divisions-shandong.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',')[0]),
);

/** The native records of a connector's recorded fixtures (JSON pages, bare arrays, CSV exports). */
async function fixtureRecords(folder: string): Promise<unknown[]> {
  const dir = path.join(ROOT, folder, 'fixtures');
  const out: unknown[] = [];
  for (const f of fs.readdirSync(dir).sort()) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    if (f.endsWith('.csv')) out.push(...(await parseCsvObjects(text)).rows);
    else {
      const body = JSON.parse(text);
      out.push(...(Array.isArray(body) ? body : (body.items ?? body.records ?? body.rows)));
    }
  }
  return out;
}

const credit = createDeclarativeConnector('credit-rating', validateDeclarativeInput(creditDefinition).definition);
const ALL: [SourceConnector, string][] = [...codeConnectors.map((c): [SourceConnector, string] => [c, c.manifest.id]), [credit, 'credit-rating']];

/** The contract every connector must keep: a well-formed manifest, a pure map that accepts its fixtures, a working check. */
describe.each(ALL)('connector contract: %#', (connector, folder) => {
  const m = connector.manifest;
  const config: ConnectorConfig = resolveConfig(m, {});

  it(`${folder}: manifest is well formed`, () => {
    expect(connectorManifestSchema.safeParse(m).error?.issues ?? []).toEqual([]);
    expect(fs.existsSync(path.join(ROOT, folder, 'README.md'))).toBe(true);
  });

  it(`${folder}: every recorded fixture maps, deterministically and without touching its input, to a valid unified record`, async () => {
    const records = await fixtureRecords(folder);
    expect(records.length).toBeGreaterThan(2);
    for (const native of records) {
      const before = JSON.stringify(native);
      const a = connector.map(native, config);
      const b = connector.map(JSON.parse(before), config);
      expect(JSON.stringify(native)).toBe(before);
      expect(b).toEqual(a);
      expect(m.produces).toContain(a.kind);
      expect([a.sourceId, validateRecord(a, { divisionCodes: DIVISIONS })]).toEqual([a.sourceId, []]);
    }
  });

  it(`${folder}: check() reports the simulator reachable, and a dead address unreachable`, async () => {
    const sim = await startSimulator({ port: 0, enterprises: 30, seed: 1 });
    try {
      const ctx = (baseUrl: string): FetchContext => ({
        http: new HttpClient({ maxAttempts: 1, timeoutMs: 2000 }),
        baseUrl,
        config,
        cursor: null,
        log: () => undefined,
        now: new Date(),
      });
      const ok = await connector.check(ctx(sim.url));
      expect([ok.ok, ok.message]).toEqual([true, ok.message]);
      const dead = await connector.check(ctx('http://127.0.0.1:9'));
      expect(dead.ok).toBe(false);
    } finally {
      await sim.close();
    }
  });
});

/**
 * `fetch` over recorded pages. Each connector walks answers recorded from the
 * simulator (`test/fixtures/connector-pages/<id>.json`: small pages, a fixed
 * simulated today) — no simulator, no clock. Re-record with
 * `RECORD_CONNECTOR_PAGES=1 npx jest test/connector-contract.test.ts -u`
 * (the mapped output is a jest snapshot beside this file).
 *
 * The configurations turn off the deliberate re-reads (overlaps, re-read
 * days beyond the last complete one), so "nothing older" is exact: a resume
 * from a committed cursor yields no record older than that cursor's
 * watermark, and the enforcement feed (opaque cursors) yields exactly the
 * pages after it.
 */
const PAGES_DIR = path.join(__dirname, 'fixtures', 'connector-pages');
const RECORDING = process.env.RECORD_CONNECTOR_PAGES === '1';
const SIM_TODAY = '2026-06-15';

type Native = Record<string, unknown>;
const instant = (v: unknown) => (v == null ? null : new Date(String(v)).toISOString());
const chinaDay = (v: unknown) =>
  v == null
    ? null
    : /^\d{4}-\d{2}-\d{2}$/.test(String(v))
      ? String(v)
      : chinaDateOf(new Date(String(v).replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(String(v)) ? '' : '+08:00')));

/** Per connector: its small-page configuration, where a record stands in the walk, and the watermark of a cursor (null: none committed yet, or an opaque feed position). */
const WALKS: Record<
  string,
  {
    config: Record<string, unknown>;
    /** The history window the runner would give (the rule set's window); small here to keep the recordings small. */
    historyDays?: number;
    position: (r: Native) => string | null;
    watermark: (c: Native) => string | null;
    opaque?: true;
  }
> = {
  enforcement: { config: { limit: 7 }, position: (r) => instant(r.modified_at), watermark: () => null, opaque: true },
  permit: { config: { pageSize: 4, overlapSeconds: 0 }, position: (r) => instant(r.updatedAt), watermark: (c) => instant(c.watermark) },
  monitoring: { config: { rereadDays: 1, pageSize: 1 }, historyDays: 3, position: (r) => chinaDay(r.date), watermark: (c) => chinaDay(c.lastComplete) },
  penalty: { config: { overlapDays: 0, chunkSize: 3 }, historyDays: 401, position: (r) => chinaDay(r['修改时间']), watermark: (c) => chinaDay(c.watermark) },
  'credit-rating': { config: {}, position: (r) => instant(r.updatedAt), watermark: (c) => instant(c.watermark) },
};

async function walk(
  connector: SourceConnector,
  baseUrl: string,
  config: ConnectorConfig,
  now: Date,
  cursor: unknown,
  historyDays = 1095,
): Promise<{ items: Native[]; cursor: Native }[]> {
  const ctx: FetchContext = {
    http: new HttpClient({ maxAttempts: 1, timeoutMs: 5000 }),
    baseUrl,
    config,
    cursor,
    log: () => undefined,
    now,
    history: historyWindow(historyDays, now),
  };
  const pages: { items: Native[]; cursor: Native }[] = [];
  for await (const p of connector.fetch(ctx)) pages.push(JSON.parse(JSON.stringify(p)));
  return pages;
}

describe.each(ALL)('connector fetch over recorded pages: %#', (connector, folder) => {
  const spec = WALKS[folder];
  const file = path.join(PAGES_DIR, `${folder}.json`);
  let source: Awaited<ReturnType<typeof replaySource>>;
  let recording: SourceRecording;
  let sim: Awaited<ReturnType<typeof startSimulator>> | undefined;
  let config: ConnectorConfig;

  beforeAll(async () => {
    expect(spec).toBeDefined();
    config = resolveConfig(connector.manifest, spec.config as ConnectorConfig);
    if (RECORDING) {
      sim = await startSimulator({ port: 0, enterprises: 10, seed: 3, today: SIM_TODAY, monitoringDays: 4 });
      recording = { now: `${SIM_TODAY}T04:00:00.000Z`, answers: {} };
      source = await recordSource(sim.url, recording);
    } else {
      recording = JSON.parse(fs.readFileSync(file, 'utf8'));
      source = await replaySource(recording);
    }
  });

  afterAll(async () => {
    await source?.close();
    await sim?.close();
  });

  it(`${folder}: cursors only move forward, a resume from any committed cursor yields nothing older, and the mapped output is as recorded`, async () => {
    const now = new Date(recording.now);
    const full = await walk(connector, source.url, config, now, null, spec.historyDays);
    const cursors = full.map((p) => p.cursor);
    expect(full.length).toBeGreaterThan(folder === 'credit-rating' ? 0 : 1); // one bare array for the declarative source
    expect(full.flatMap((p) => p.items).length).toBeGreaterThan(2);

    // Monotonic: watermarks never go back, and a cursor once left never comes back.
    const marks = cursors.map(spec.watermark);
    marks.forEach((m, i) => {
      if (i > 0 && marks[i - 1] !== null) expect([i, m !== null && m >= marks[i - 1]!]).toEqual([i, true]);
    });
    const seen = cursors.map((c) => JSON.stringify(c));
    seen.forEach((c, i) => expect([i, seen.slice(0, i).includes(c) && seen[i - 1] !== c]).toEqual([i, false]));

    // Resume from every committed cursor.
    for (let k = 0; k < full.length; k++) {
      const resumed = await walk(connector, source.url, config, now, cursors[k], spec.historyDays);
      const items = resumed.flatMap((p) => p.items);
      const mark = spec.watermark(cursors[k]);
      if (spec.opaque) {
        // An opaque feed cursor: exactly what followed it.
        expect(items).toEqual(full.slice(k + 1).flatMap((p) => p.items));
      } else if (mark !== null) {
        const older = items.filter((r) => (spec.position(r) ?? '') < mark);
        expect([k, mark, older]).toEqual([k, mark, []]);
      }
      const last = resumed.length ? resumed[resumed.length - 1].cursor : cursors[k];
      expect(spec.watermark(last)).toEqual(spec.watermark(cursors[cursors.length - 1]));
    }
    expect(source.misses).toEqual([]);

    const mapped = full.flatMap((p) =>
      p.items.map((native) => {
        try {
          return connector.map(native, config);
        } catch (e) {
          return { unmappable: (e as Error).message };
        }
      }),
    );
    expect(mapped).toMatchSnapshot();
    if (RECORDING) {
      fs.mkdirSync(PAGES_DIR, { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(recording, null, 1)}\n`);
    }
  });
});
