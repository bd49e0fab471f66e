import http from 'node:http';
import { ServerServices } from './server-services.types';
import { HttpRoute } from './http-route';
import { ReportDataService, publicReportUrl } from '../report/report-data.service';
import { reportLang } from '../report/report-i18n';
import { REPORT_PAGE_HEADERS, renderNotFoundPage, renderReportPage } from '../report/report-page.view';
import { QR_CONTENT_TYPES, QrFormat, renderQrCode } from '../report/report-qr.service';
import { faviconIco, faviconSvg } from '../report/favicon';
import { etagOf, sendBody } from './compression';

/**
 * Caching of the public faces. A report page or QR code is the same bytes
 * for the same data, so each carries a strong ETag of its bytes (a matching
 * `If-None-Match` is answered 304) and may be kept by any cache for five
 * minutes (`public`): a new score shows within that, and a revalidation costs
 * a 304. The icon never changes within a release: a day.
 */
export const PUBLIC_PAGE_CACHE = 'public, max-age=300';
export const PUBLIC_ASSET_CACHE = 'public, max-age=86400';

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment).trim().toUpperCase();
  } catch {
    return segment;
  }
}

/**
 * The public faces of an enterprise, no API key needed:
 * `GET /report/<creditCode>` — the report page (Chinese; `?lang=en` for English);
 * `GET /qr/<creditCode>.svg` and `.png` — the QR code of the page's public URL
 * (`HUB_PUBLIC_URL` + `/report/<code>`) in the risk colour.
 * Unknown or malformed codes get a 404 page.
 */
export function reportRoutes(services: ServerServices): HttpRoute[] {
  const data = new ReportDataService(services);
  return [
    {
      name: 'report',
      methods: ['GET', 'HEAD'],
      pattern: /^\/report\/([^/]+)\/?$/,
      auth: 'public',
      publicPage: true,
      async handle(req, res, { url, params, requestId }) {
        const code = decodeSegment(params[0]);
        const lang = reportLang(url.searchParams.get('lang'));
        const report = await data.load(code);
        const headers = { ...REPORT_PAGE_HEADERS, 'x-request-id': requestId, 'content-language': lang === 'zh' ? 'zh-CN' : 'en' };
        if (!report) return sendBody(req, res, 404, { ...headers, 'cache-control': 'no-store' }, Buffer.from(renderNotFoundPage(code, lang), 'utf8'));
        const page = Buffer.from(renderReportPage(report, lang), 'utf8');
        sendBody(req, res, 200, { ...headers, 'cache-control': PUBLIC_PAGE_CACHE }, page, { etag: etagOf(page) });
      },
    },
    {
      name: 'qr',
      methods: ['GET', 'HEAD'],
      pattern: /^\/qr\/([^/]+)\.(svg|png)$/,
      auth: 'public',
      publicPage: true,
      async handle(req, res, { url, params, requestId }) {
        const code = decodeSegment(params[0]);
        const format = params[1] as QrFormat;
        const risk = await data.riskOf(code);
        if (!risk) {
          return send(
            req,
            res,
            404,
            { ...REPORT_PAGE_HEADERS, 'x-request-id': requestId, 'cache-control': 'no-store' },
            renderNotFoundPage(code, reportLang(url.searchParams.get('lang'))),
          );
        }
        const image = await renderQrCode(publicReportUrl(services.config.publicUrl, code), risk, format);
        // SVG is text and compresses; a PNG is compressed already (sendBody leaves image/png alone).
        sendBody(
          req,
          res,
          200,
          { 'content-type': QR_CONTENT_TYPES[format], 'cache-control': PUBLIC_PAGE_CACHE, 'x-request-id': requestId, 'x-risk-level': risk },
          image,
          { etag: etagOf(image), compressible: format === 'svg' },
        );
      },
    },
    faviconRoute(),
  ];
}

/** `GET /favicon.svg` (FAVICON_PATH, what the pages link) and `/favicon.ico` (what browsers ask for unprompted): the hub's icon. */
function faviconRoute(): HttpRoute {
  const icons: Record<string, { type: string; body: Buffer; etag: string }> = {};
  for (const [ext, type, body] of [
    ['svg', 'image/svg+xml', faviconSvg()],
    ['ico', 'image/x-icon', faviconIco()],
  ] as const) {
    icons[ext] = { type, body, etag: etagOf(body) };
  }
  return {
    name: 'favicon',
    methods: ['GET', 'HEAD'],
    pattern: /^\/favicon\.(svg|ico)$/,
    auth: 'public',
    handle(req, res, { params }) {
      const icon = icons[params[0]];
      sendBody(req, res, 200, { 'content-type': icon.type, 'cache-control': PUBLIC_ASSET_CACHE, 'x-content-type-options': 'nosniff' }, icon.body, {
        etag: icon.etag,
        compressible: params[0] === 'svg',
      });
    },
  };
}
