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

/**
 * Where GraphiQL keeps the API key in the browser: `localStorage` under this
 * name, one key for every tab of the page and every browser tab of the hub's
 * origin, kept across reloads until "Forget" is pressed. The page sends it as
 * `Authorization: Bearer <key>` unless a tab's own headers carry an
 * Authorization. The key is never in the page the hub serves.
 */
export const GRAPHIQL_KEY_STORAGE = 'hub.graphiql.apiKey';

/** The example tabs: the seed's search (riskiest in a city, by name and risk, one enterprise's report). */
export function exampleTabs(ex: GraphiqlExamples): ExampleTab[] {
  return [
    {
      query: `# Welcome to the enforcement data hub.
# 1. Paste your API key into the "API key" field at the top and press Save: every tab uses it,
#    and this browser keeps it across reloads (localStorage "${GRAPHIQL_KEY_STORAGE}") until Forget.
#    Keys come from \`hub keys create\`; \`hub start\` prints demo keys.
# 2. Run with Ctrl-Enter. Other examples are in the tabs above; the docs are in the book icon.
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

/**
 * The HTML of the GraphiQL page: assets from the hub, configuration as JSON
 * read by the init script. It embeds no live data: the examples' values are
 * static ({@link staticExamples}) and the key lives in the browser only.
 */
export function renderGraphiqlHtml(examples: GraphiqlExamples, endpoint = '/graphql'): string {
  const config = { endpoint, keyStorage: GRAPHIQL_KEY_STORAGE, tabs: exampleTabs(examples) };
  // JSON inside <script type="application/json">: only "<" needs escaping to keep it data.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL · enforcement data hub</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${GRAPHIQL_ASSET_PATH}graphiql.min.css">
<style>
html,body,#graphiql{height:100%;margin:0;overflow:hidden}
#graphiql{display:flex;flex-direction:column}
.hub-keybar{display:flex;align-items:center;gap:8px;padding:6px 12px;font:14px system-ui,sans-serif;background:#f6f7f9;border-bottom:1px solid #dadce0;color:#202124}
.hub-keybar input{flex:0 1 28em;min-width:8em;padding:4px 6px;font:inherit;border:1px solid #9aa0a6;border-radius:4px}
.hub-keybar button{padding:4px 10px;font:inherit;border:1px solid #9aa0a6;border-radius:4px;background:#fff;color:#202124;cursor:pointer}
.hub-keybar .hub-key-state{color:#3c4043}
.hub-graphiql{flex:1;min-height:0}
</style>
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

/**
 * The page's own script: a key bar above GraphiQL (the key kept in
 * localStorage, see {@link GRAPHIQL_KEY_STORAGE}) and GraphiQL with a fetcher
 * that sends it. A new key makes a new fetcher, so GraphiQL fetches the schema
 * again (the docs explorer needs it); a key saved in another browser tab is
 * picked up through the storage event.
 */
const INIT_SCRIPT = `(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  var h = React.createElement;
  var url = new URL(config.endpoint, window.location.href).toString();
  var base = GraphiQL.createFetcher({ url: url });
  function stored() {
    try { return window.localStorage.getItem(config.keyStorage) || ''; } catch (e) { return ''; }
  }
  function store(key) {
    try {
      if (key) window.localStorage.setItem(config.keyStorage, key); else window.localStorage.removeItem(config.keyStorage);
    } catch (e) { /* storage refused: the key lasts for this page only */ }
  }
  // GraphiQL 3 can send the operation name of the tab it just left (its name is parsed a moment
  // after a tab switch); a name the document does not define is dropped, or replaced by the
  // document's only operation, so Run right after switching tabs runs what the tab shows.
  function operationNames(query) {
    var names = [], re = /\\b(?:query|mutation|subscription)\\s+([_A-Za-z][_0-9A-Za-z]*)/g, m;
    var text = String(query || '').replace(/#[^\\n]*/g, '');
    while ((m = re.exec(text))) names.push(m[1]);
    return names;
  }
  function fetcherFor(key) {
    return function (params, opts) {
      if (params && params.operationName) {
        var names = operationNames(params.query);
        if (names.indexOf(params.operationName) < 0) {
          params = Object.assign({}, params);
          if (names.length === 1) params.operationName = names[0]; else delete params.operationName;
        }
      }
      var headers = Object.assign({}, opts && opts.headers);
      var own = Object.keys(headers).some(function (k) { return k.toLowerCase() === 'authorization'; });
      if (key && !own) headers.Authorization = 'Bearer ' + key;
      return base(params, Object.assign({}, opts, { headers: headers }));
    };
  }
  function App() {
    var state = React.useState(stored);
    var key = state[0], setKey = state[1];
    var draftState = React.useState(key);
    var draft = draftState[0], setDraft = draftState[1];
    React.useEffect(function () {
      function onStorage(e) {
        if (e.key === config.keyStorage || e.key === null) { var k = stored(); setKey(k); setDraft(k); }
      }
      window.addEventListener('storage', onStorage);
      return function () { window.removeEventListener('storage', onStorage); };
    }, []);
    var fetcher = React.useMemo(function () { return fetcherFor(key); }, [key]);
    function save(e) {
      e.preventDefault();
      var k = draft.trim().replace(/^Bearer\\s+/i, '');
      store(k); setKey(k); setDraft(k);
    }
    function forget() { store(''); setKey(''); setDraft(''); }
    var bar = h('form', { className: 'hub-keybar', onSubmit: save, 'aria-label': 'API key' },
      h('label', { htmlFor: 'hub-api-key' }, 'API key'),
      h('input', { id: 'hub-api-key', type: 'password', autoComplete: 'off', spellCheck: false, value: draft,
        placeholder: 'paste a key from hub keys create', onChange: function (e) { setDraft(e.target.value); } }),
      h('button', { type: 'submit', id: 'hub-key-save' }, 'Save'),
      h('button', { type: 'button', id: 'hub-key-forget', onClick: forget }, 'Forget'),
      h('span', { className: 'hub-key-state', id: 'hub-key-state', role: 'status' },
        key ? 'key saved in this browser, used by every tab' : 'no key: requests are refused'));
    return h(React.Fragment, null, bar,
      h('div', { className: 'hub-graphiql' }, h(GraphiQL, {
        fetcher: fetcher,
        defaultTabs: config.tabs,
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: false
      })));
  }
  ReactDOM.createRoot(document.getElementById('graphiql')).render(h(App));
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
 * text/html) gets GraphiQL with a key bar (the key kept in the browser, one
 * for all tabs), example tabs for the search, and its docs explorer.
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
