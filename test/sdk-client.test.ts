import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestHub, startTestHub } from './support/test-hub';

const root = path.join(__dirname, '..');
const tsc = path.join(root, 'node_modules', '.bin', 'tsc');

/**
 * The client SDK (`client/`, `@hub/client`): its generated typed documents are
 * current, it compiles on its own (declarations included) and the compiled
 * package runs a typed query against a real hub.
 */
describe('@hub/client SDK', () => {
  let hub: TestHub;
  let outDir: string;

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 40, seed: 21 } });
    const runs = await hub.services.runner.syncAll(['permit', 'penalty'], 'test');
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    // Inside the repository (ignored), so the compiled package finds its dependencies (graphql) in node_modules.
    fs.mkdirSync(path.join(root, '.test-data'), { recursive: true });
    outDir = fs.mkdtempSync(path.join(root, '.test-data', 'hub-client-'));
  }, 120_000);
  afterAll(async () => {
    fs.rmSync(outDir, { recursive: true, force: true });
    await hub?.close();
  });

  it('client/src/generated/operations.ts is what client/codegen.yml generates (run `npm run codegen`)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-client-codegen-'));
    const out = path.join(dir, 'operations.ts');
    const config = fs.readFileSync(path.join(root, 'client', 'codegen.yml'), 'utf8').replace('client/src/generated/operations.ts:', `${JSON.stringify(out)}:`);
    fs.writeFileSync(path.join(dir, 'codegen.yml'), config);
    execFileSync(path.join(root, 'node_modules', '.bin', 'graphql-codegen'), ['--config', path.join(dir, 'codegen.yml')], { cwd: root, stdio: 'pipe' });
    expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(path.join(root, 'client', 'src', 'generated', 'operations.ts'), 'utf8'));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('compiles with its own tsconfig and runs a typed query from the compiled package', async () => {
    execFileSync(tsc, ['-p', path.join(root, 'client', 'tsconfig.json'), '--outDir', outDir], { cwd: root, stdio: 'pipe' });
    expect(fs.existsSync(path.join(outDir, 'index.d.ts'))).toBe(true);
    expect(fs.readFileSync(path.join(outDir, 'index.d.ts'), 'utf8')).toContain('./generated/operations');

    const sdk = require(path.join(outDir, 'index.js')) as typeof import('../client/src');
    const client = sdk.createHubClient({ url: `http://127.0.0.1:${hub.server!.port}/graphql`, apiKey: hub.adminKey });
    const page = await client.request(sdk.EnterprisePageDocument, { first: 5, orderBy: 'CREDIT_CODE_ASC' });
    expect(page.enterprises.totalCount).toBe(40);
    expect(page.enterprises.edges).toHaveLength(5);
    const codes = page.enterprises.edges.map((e) => e.node.creditCode);
    expect([...codes].sort()).toEqual(codes);

    const detail = await client.request(sdk.EnterpriseHealthDocument, { creditCode: codes[0] });
    expect(detail.enterprise?.creditCode).toBe(codes[0]);
    expect(detail.enterprise?.reportUrl).toBe(`http://hub.test/report/${codes[0]}`);
    expect(detail.enterprise?.healthReport.score).toBe(detail.enterprise?.score);
  });

  it("throws HubRequestError with the hub's message and code on errors and on a missing key", async () => {
    const { createHubClient, HubRequestError, EnterprisePageDocument } = await import('../client/src');
    const url = `http://127.0.0.1:${hub.server!.port}/graphql`;
    const bad = createHubClient({ url, apiKey: hub.adminKey });
    await expect(bad.request(EnterprisePageDocument, { first: 100000 })).rejects.toThrow(HubRequestError);
    const anonymous = createHubClient({ url });
    const err = await anonymous.request(EnterprisePageDocument, { first: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(HubRequestError);
    expect(err.status).toBe(401);
    expect(err.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
