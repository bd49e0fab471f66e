import http from 'node:http';
import { ServerServices } from './server-services.types';
import { HttpRoute, readBody } from './http-route';
import { ReportDataService, publicReportUrl } from '../report/report-data.service';
import { reportLang } from '../report/report-i18n';
import { REPORT_PAGE_HEADERS, renderNotFoundPage, renderObjectionAnswerPage, renderReportPage } from '../report/report-page.view';
import { ClientError } from '../domain/client-error';
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
 * `GET /report/<creditCode>` — the report page (Chinese; `?lang=en` for English), with open objections beside their deductions;
 * `POST /report/<creditCode>/objection` — its objection form;
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
    objectionFormRoute(services),
    faviconRoute(),
  ];
}

/** Largest objection form accepted (the reason is at most 2,000 characters). */
const OBJECTION_FORM_LIMIT = 16 * 1024;

/**
 * `POST /report/<creditCode>/objection` — the report page's objection form
 * (`application/x-www-form-urlencoded`: `deduction`, `code`, `reason`): the
 * enterprise files with its one-time code; answered with a plain page (201
 * received, or 400/403/404 saying what to fix). Every attempt is in the
 * audit log (never the code).
 */
function objectionFormRoute(services: ServerServices): HttpRoute {
  return {
    name: 'report-objection',
    methods: ['POST'],
    pattern: /^\/report\/([^/]+)\/objection\/?$/,
    auth: 'public',
    publicPage: true,
    async handle(req, res, { url, params, requestId }) {
      const code = decodeSegment(params[0]);
      const lang = reportLang(url.searchParams.get('lang'));
      const form = new URLSearchParams(await readBody(req, OBJECTION_FORM_LIMIT));
      const deduction = form.get('deduction') ?? '';
      let status = 201;
      let outcome: { id: string; deadline: string; count: number; ids: string[] } | { error: string };
      try {
        const filed = await services.objections.fileFromReportPage(code, form.get('code') ?? '', deduction, form.get('reason') ?? '');
        outcome = { id: filed[0].id, deadline: filed[0].deadline, count: filed.length, ids: filed.map((o) => o.id) };
      } catch (e) {
        if (!(e instanceof ClientError)) throw e;
        status = e.code === 'FORBIDDEN' ? 403 : e.code === 'NOT_FOUND' ? 404 : 400;
        outcome = { error: e.message };
      }
      await services.db.pool
        .query(
          `insert into audit_log (caller_name, division_code, operation, operation_name, variables, outcome, error, client_address, request_id)
           values ($1, (select division_code from enterprise where credit_code = $2), 'POST /report/<creditCode>/objection', 'fileObjectionFromReportPage',
                   $3, $4, $5, $6, $7)`,
          [
            `enterprise ${code}`,
            code,
            JSON.stringify({
              creditCode: code,
              deduction,
              objectionId: 'id' in outcome ? outcome.id : null,
              ...('ids' in outcome && outcome.count > 1 ? { objectionIds: outcome.ids } : {}),
            }),
            'id' in outcome ? 'OK' : 'ERROR',
            'error' in outcome ? outcome.error : null,
            req.socket.remoteAddress ?? null,
            requestId,
          ],
        )
        .catch((e) => services.log(`audit log write failed: ${(e as Error).message}`));
      const headers = { ...REPORT_PAGE_HEADERS, 'x-request-id': requestId, 'cache-control': 'no-store', 'content-language': lang === 'zh' ? 'zh-CN' : 'en' };
      send(req, res, status, headers, renderObjectionAnswerPage(code, lang, outcome));
    },
  };
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
