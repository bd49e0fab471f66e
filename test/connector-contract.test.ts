import fs from 'node:fs';
import path from 'node:path';
import { codeConnectors } from '../connectors';
import { ConnectorConfig, FetchContext, SourceConnector, resolveConfig } from '../src/connectors/connector.types';
import { HttpClient } from '../src/connectors/http.client';
import { createDeclarativeConnector } from '../src/connectors/declarative/declarative.connector';
import { validateDeclarativeInput } from '../src/connectors/declarative/declarative-definition.validator';
import { validateRecord } from '../src/ingest/record-validator';
import { connectorManifestSchema } from '../src/connectors/connector-manifest.schema';
import { parseCsvObjects } from '../connectors/penalty/penalty-csv.parser';
import { startSimulator } from '../simulator/sim.server';
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
