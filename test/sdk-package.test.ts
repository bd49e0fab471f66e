import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestHub, startTestHub } from './support/test-hub';

// Consumer scripts and codegen call the hub in this process: they run asynchronously so that it can answer.
const run = promisify(execFile);
const root = path.join(__dirname, '..');
const clientDir = path.join(root, 'client');
const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const version = (name: string) => rootPkg.devDependencies[name] ?? rootPkg.dependencies[name];
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, stdio: 'pipe', encoding: 'utf8', env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' } });

/** What a consumer runs, as ES module and as CommonJS: the SDK's own client, Apollo Client, urql and graphql-request, each with the SDK's documents as they are. */
const consumer = (load: string) => `${load}
async function main() {
  const url = process.env.HUB_URL;
  const key = process.env.HUB_KEY;
  const headers = { authorization: 'Bearer ' + key };
  const variables = { first: 5, orderBy: 'CREDIT_CODE_ASC' };
  const own = await sdk.createHubClient({ url, apiKey: key }).request(sdk.EnterprisePageDocument, variables);
  const apolloClient = new apollo.ApolloClient({ link: new apollo.HttpLink({ uri: url, headers }), cache: new apollo.InMemoryCache() });
  const viaApollo = (await apolloClient.query({ query: sdk.EnterprisePageDocument, variables })).data;
  // urql's defaults: a query goes by GET, with no header but Authorization (which a browser must preflight, so CSRF prevention lets it through).
  const urqlClient = new urql.Client({ url, exchanges: [urql.fetchExchange], fetchOptions: { headers } });
  const urqlResult = await urqlClient.query(sdk.EnterprisePageDocument, variables).toPromise();
  if (urqlResult.error) throw urqlResult.error;
  const viaUrql = urqlResult.data;
  const viaRequest = await gr.request({ url, document: sdk.EnterprisePageDocument, variables, requestHeaders: headers });
  const codes = (d) => d.enterprises.edges.map((e) => e.node.creditCode);
  console.log(JSON.stringify({ total: own.enterprises.totalCount, own: codes(own), apollo: codes(viaApollo), urql: codes(viaUrql), request: codes(viaRequest),
    kind: sdk.EnterprisePageDocument.kind }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

const CONSUMER_TS = `import { createHubClient, EnterprisePageDocument, type EnterprisePageQuery } from '@hub/client';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client/core';
import { request } from 'graphql-request';
import { Client, fetchExchange } from '@urql/core';

export async function typed(url: string): Promise<number[]> {
  const own: EnterprisePageQuery = await createHubClient({ url }).request(EnterprisePageDocument, { first: 1 });
  const apollo = new ApolloClient({ link: new HttpLink({ uri: url }), cache: new InMemoryCache() });
  const a = await apollo.query({ query: EnterprisePageDocument, variables: { first: 1 } });
  const r = await request(url, EnterprisePageDocument, { first: 1 });
  const u = await new Client({ url, exchanges: [fetchExchange] }).query(EnterprisePageDocument, { first: 1 }).toPromise();
  // Results are typed from the document: totalCount is a number in each.
  return [own.enterprises.totalCount, a.data.enterprises.totalCount, r.enterprises.totalCount, u.data?.enterprises.totalCount ?? 0];
}
`;

/**
 * The SDK as a frontend team gets it: `npm run build` in client/, `npm pack`,
 * the tarball installed into a new project (from the npm cache where it can, the
 * registry for package metadata the cache lacks: a fresh machine's `npm ci` caches
 * tarballs but not the metadata an install by name resolves from) with
 * Apollo Client, urql and graphql-request, and scripts importing and requiring
 * it run against a live hub; the package's types check in a TypeScript
 * consumer; GraphQL Code Generator runs against the live URL.
 */
describe('@hub/client as a package', () => {
  let hub: TestHub;
  let work: string;
  let tarball: string;
  let project: string;
  let url: string;

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 30, seed: 41 } });
    const runs = await hub.services.runner.syncAll(['permit'], 'test');
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    url = `http://127.0.0.1:${hub.server!.port}/graphql`;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-sdk-'));
  }, 120_000);
  afterAll(async () => {
    fs.rmSync(work, { recursive: true, force: true });
    await hub?.close();
  });

  it('builds ESM, CommonJS and type declarations, and npm pack ships them', () => {
    npm(['run', 'build'], clientDir);
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], clientDir))[0];
    tarball = path.join(work, packed.filename);
    const files: string[] = packed.files.map((f: { path: string }) => f.path);
    for (const f of ['dist/esm/index.js', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/generated/operations.d.ts', 'README.md', 'package.json'])
      expect(files).toContain(f);
    expect(fs.readFileSync(path.join(clientDir, 'dist', 'esm', 'index.js'), 'utf8')).toMatch(/^export \* from '\.\/hub-client\.js';/m);
  }, 120_000);

  it('installs into a new project and runs there, imported and required, with its own client, Apollo Client, urql and graphql-request', async () => {
    project = path.join(work, 'consumer');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'sdk-consumer', version: '1.0.0', private: true }));
    npm(
      [
        'install',
        '--prefer-offline',
        tarball,
        `graphql@${version('graphql')}`,
        `@apollo/client@${version('@apollo/client')}`,
        `@urql/core@${version('@urql/core')}`,
        `graphql-request@${version('graphql-request')}`,
      ],
      project,
    );
    expect(fs.existsSync(path.join(project, 'node_modules', '@hub', 'client', 'dist', 'esm', 'index.js'))).toBe(true);
    fs.writeFileSync(
      path.join(project, 'esm.mjs'),
      consumer(`import * as sdk from '@hub/client';
import * as apollo from '@apollo/client/core/index.js';
import * as urql from '@urql/core';
import * as gr from 'graphql-request';`),
    );
    fs.writeFileSync(
      path.join(project, 'cjs.cjs'),
      consumer(`const sdk = require('@hub/client');
const apollo = require('@apollo/client/core');
const urql = require('@urql/core');
const gr = { request: async (o) => (await import('graphql-request')).request(o) }; // graphql-request 7 ships ES modules only`),
    );
    const env = { ...process.env, HUB_URL: url, HUB_KEY: hub.adminKey };
    for (const script of ['esm.mjs', 'cjs.cjs']) {
      const { stdout } = await run(process.execPath, [script], { cwd: project, env, encoding: 'utf8' });
      const out = JSON.parse(stdout.trim().split('\n').pop()!);
      expect(out.total).toBe(30);
      expect(out.kind).toBe('Document');
      expect(out.own).toHaveLength(5);
      expect([...out.own].sort()).toEqual(out.own);
      expect(out.apollo).toEqual(out.own);
      expect(out.urql).toEqual(out.own);
      expect(out.request).toEqual(out.own);
    }
    // The CommonJS and ES module builds are two separate files, each of its own kind.
    const resolved = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module'; const r = createRequire(process.cwd() + '/'); console.log(r.resolve('@hub/client') + ' ' + import.meta.resolve('@hub/client'));`,
      ],
      { cwd: project, encoding: 'utf8' },
    ).trim();
    expect(resolved).toMatch(/dist\/cjs\/index\.js file:.*dist\/esm\/index\.js$/);
  }, 240_000);

  it('its declarations type results from the documents in a TypeScript consumer (Apollo, urql, graphql-request)', () => {
    fs.writeFileSync(path.join(project, 'typed.ts'), CONSUMER_TS);
    fs.writeFileSync(
      path.join(project, 'typed-bad.ts'),
      `import { createHubClient, EnterprisePageDocument } from '@hub/client';\nexport const p = createHubClient({ url: 'x' }).request(EnterprisePageDocument, { first: 'five' });\n`,
    );
    const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
    const flags = [
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'ES2022',
      '--skipLibCheck',
      '--lib',
      'ES2022,DOM',
    ];
    execFileSync(tsc, [...flags, 'typed.ts'], { cwd: project, stdio: 'pipe' });
    let failure = '';
    try {
      execFileSync(tsc, [...flags, 'typed-bad.ts'], { cwd: project, stdio: 'pipe', encoding: 'utf8' });
    } catch (e) {
      failure = String((e as { stdout?: string }).stdout);
    }
    expect(failure).toMatch(/typed-bad\.ts.*Type 'string' is not assignable to type 'number'/);
  }, 120_000);

  it('GraphQL Code Generator generates typed documents from the live URL (introspection over HTTP with a key)', async () => {
    const out = path.join(work, 'live-operations.ts');
    const config = {
      overwrite: true,
      schema: [{ [url]: { headers: { Authorization: `Bearer ${hub.adminKey}` } } }],
      documents: path.join(root, 'schema', 'operations', '**', '*.graphql'),
      generates: { [out]: { plugins: ['typescript', 'typescript-operations', 'typed-document-node'] } },
    };
    fs.writeFileSync(path.join(work, 'codegen.json'), JSON.stringify(config));
    await run(path.join(root, 'node_modules', '.bin', 'graphql-codegen'), ['--config', path.join(work, 'codegen.json')], { cwd: root });
    const generated = fs.readFileSync(out, 'utf8');
    for (const name of ['EnterprisePageDocument', 'WarningPageDocument', 'AcknowledgeWarningDocument', 'export type Enterprise = ', 'export type PageInfo = '])
      expect(generated).toContain(name);
    // The descriptions came along (Chinese terms with their English meaning).
    expect(generated).toMatch(/统一社会信用代码/);
  }, 120_000);
});
