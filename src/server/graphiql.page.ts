import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ServerServices } from './server-services.types';
import { HttpError, HttpRoute } from './http-route';
import { ContentEncoding, sendBody } from './compression';

/**
 * Files of GraphiQL served by the hub itself from node_modules (no CDN, nothing
 * downloaded at run time): GraphiQL 3's UMD bundle and stylesheet, and React 18's
 * UMD builds it runs on (React 19 ships no UMD build; GraphiQL 4+ ships ESM only).
 */
const VENDOR_ASSETS: Record<string, { module: string; type: string }> = {
  'react.production.min.js': { module: 'react/umd/react.production.min.js', type: 'text/javascript; charset=utf-8' },
  'react-dom.production.min.js': { module: 'react-dom/umd/react-dom.production.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.min.js': { module: 'graphiql/graphiql.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.min.css': { module: 'graphiql/graphiql.min.css', type: 'text/css; charset=utf-8' },
};

/** Where the assets are served. */
export const GRAPHIQL_ASSET_PATH = '/graphiql/assets/';

/** Strict policy for the page: everything from the hub itself; GraphiQL's editors need inline styles. */
const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Example operations of the page's tabs, with sample values read from the hub's data. */
export interface GraphiqlExamples {
  creditCode: string;
  cityCode: string;
  nameFragment: string;
}

/** One tab of the GraphiQL page; sample values are the variables' defaults, so every tab runs as it is. */
interface ExampleTab {
  query: string;
}

const HEADERS_PREFILL = JSON.stringify({ Authorization: 'Bearer <paste key>' }, null, 2);

/** The example tabs: the seed's search (riskiest in a city, by name and risk, one enterprise's report). */
export function exampleTabs(ex: GraphiqlExamples): ExampleTab[] {
  return [
    {
      query: `# Welcome to the enforcement data hub.
# 1. Paste your API key into the Headers tab below: {"Authorization": "Bearer <key>"}
#    (keys come from \`hub keys create\`; \`hub start\` prints demo keys).
# 2. Run with Ctrl-Enter. Other examples are in the tabs above.
#
# The riskiest enterprises of a city, lowest score first:
query RiskiestInCity($city: String = ${JSON.stringify(ex.cityCode)}) {
  enterprises(filter: { divisionCode: $city, riskLevels: [HIGH] }, orderBy: SCORE_ASC, first: 10) {
    totalCount
    edges { node { creditCode name score riskLevel rank division { name } reportUrl } }
    pageInfo { hasNextPage endCursor }
  }
}`,
    },
    {
      query: `# Search by part of the name, within a score range, across the province.
query SearchByName($name: String! = ${JSON.stringify(ex.nameFragment)}) {
  enterprises(filter: { nameContains: $name, scoreMax: 84 }, orderBy: SCORE_ASC, first: 20) {
    totalCount
    edges { node { creditCode name score riskLevel division { code name } } }
  }
}`,
    },
    {
      query: `# One enterprise's health report: every deduction with its rule, date and source record, and its score history.
query HealthReport($code: String! = ${JSON.stringify(ex.creditCode)}) {
  enterprise(creditCode: $code) {
    name score riskLevel rank reportUrl
    healthReport { score riskLevel asOf ruleSetVersion deductions { rule points date system recordId } }
    scoreHistory { at score riskLevel cause }
  }
}`,
    },
  ];
}

/**
 * Sample values for the examples, without reading any enterprise: the page is
 * served without a key, so it carries nothing the API would refuse to an
 * anonymous caller. The city is the province's first (an administrative code,
 * public); the enterprise is a placeholder to replace.
 */
export function staticExamples(services: Pick<ServerServices, 'divisions'>): GraphiqlExamples {
  const province = services.divisions.children(null)[0];
  const city = province ? services.divisions.children(province.code)[0] : undefined;
  return { creditCode: '<credit code of an enterprise in your jurisdiction>', cityCode: city?.code ?? '370100', nameFragment: '化工' };
}

/** The HTML of the GraphiQL page: assets from the hub, configuration as JSON read by the init script. */
export function renderGraphiqlHtml(examples: GraphiqlExamples, endpoint = '/graphql'): string {
  const config = { endpoint, headers: HEADERS_PREFILL, tabs: exampleTabs(examples) };
  // JSON inside <script type="application/json">: only "<" needs escaping to keep it data.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL · enforcement data hub</title>
<link rel="stylesheet" href="${GRAPHIQL_ASSET_PATH}graphiql.min.css">
<style>html,body,#graphiql{height:100%;margin:0;overflow:hidden}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script id="graphiql-config" type="application/json">${json}</script>
<script src="${GRAPHIQL_ASSET_PATH}react.production.min.js"></script>
<script src="${GRAPHIQL_ASSET_PATH}react-dom.production.min.js"></script>
<script src="${GRAPHIQL_ASSET_PATH}graphiql.min.js"></script>
<script src="${GRAPHIQL_ASSET_PATH}hub-graphiql.js"></script>
</body>
</html>
`;
}

/** The page's own script: reads the configuration and mounts GraphiQL with the headers editor open. */
const INIT_SCRIPT = `(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  var fetcher = GraphiQL.createFetcher({ url: new URL(config.endpoint, window.location.href).toString() });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultTabs: config.tabs,
    defaultHeaders: config.headers,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'headers'
  }));
})();
`;

/** Compressed forms of the assets, made once per encoding. */
const compressedAssets = new Map<string, Map<ContentEncoding, Buffer>>();

function sendAsset(req: http.IncomingMessage, res: http.ServerResponse, type: string, body: Buffer, etag: string): void {
  let cached = compressedAssets.get(etag);
  if (!cached) compressedAssets.set(etag, (cached = new Map()));
  sendBody(req, res, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400', 'x-content-type-options': 'nosniff' }, body, { etag, cached });
}

/** Loads the vendor files once (they are read from node_modules at start-up, never fetched). */
function loadAssets(): Map<string, { type: string; body: Buffer; etag: string }> {
  const assets = new Map<string, { type: string; body: Buffer; etag: string }>();
  for (const [name, a] of Object.entries(VENDOR_ASSETS)) {
    // The packages' "exports" maps hide these files from require.resolve; find them beside package.json.
    const [pkg, ...rest] = a.module.split('/');
    const manifest = require.resolve(`${pkg}/package.json`);
    const body = fs.readFileSync(path.join(path.dirname(manifest), ...rest));
    assets.set(name, { type: a.type, body, etag: assetEtag(body) });
  }
  const init = Buffer.from(INIT_SCRIPT, 'utf8');
  assets.set('hub-graphiql.js', { type: 'text/javascript; charset=utf-8', body: init, etag: assetEtag(init) });
  return assets;
}

/**
 * An asset's ETag, from its content: two files of one package (GraphiQL's script and its
 * stylesheet) must never share one, or a client's 304 and the cache of compressed forms (keyed
 * by ETag) would hand out one for the other.
 */
function assetEtag(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

let cachedAssets: ReturnType<typeof loadAssets> | undefined;

/** The route serving GraphiQL's files under `/graphiql/assets/`. */
export function graphiqlAssetRoute(): HttpRoute {
  return {
    name: 'graphiql-assets',
    methods: ['GET', 'HEAD'],
    pattern: /^\/graphiql\/assets\/([a-z0-9.-]+)$/,
    auth: 'public',
    handle(req, res, { params }) {
      cachedAssets ??= loadAssets();
      const asset = cachedAssets.get(params[0]);
      if (!asset) throw new HttpError(404, `no GraphiQL asset '${params[0]}'`, 'NOT_FOUND');
      sendAsset(req, res, asset.type, asset.body, asset.etag);
    },
  };
}

/**
 * The `browserPage` of the GraphQL route: a browser's GET /graphql (Accept:
 * text/html) gets GraphiQL with a headers editor prefilled with
 * `{"Authorization": "Bearer <paste key>"}` and example tabs for the search.
 */
export function graphiqlPage(services: ServerServices): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return async (req, res) => {
    const html = Buffer.from(renderGraphiqlHtml(staticExamples(services)), 'utf8');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(html.length),
      'content-security-policy': PAGE_CSP,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : html);
  };
}
