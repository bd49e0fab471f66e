import http from 'node:http';
import { ServerServices } from './server-services.types';
import { HttpRoute } from './http-route';
import { ReportDataService, publicReportUrl } from '../report/report-data.service';
import { reportLang } from '../report/report-i18n';
import { REPORT_PAGE_HEADERS, renderNotFoundPage, renderReportPage } from '../report/report-page.view';
import { QR_CONTENT_TYPES, QrFormat, renderQrCode } from '../report/report-qr.service';

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
      async handle(req, res, { url, params, requestId }) {
        const code = decodeSegment(params[0]);
        const lang = reportLang(url.searchParams.get('lang'));
        const report = await data.load(code);
        const headers = { ...REPORT_PAGE_HEADERS, 'x-request-id': requestId, 'content-language': lang === 'zh' ? 'zh-CN' : 'en', vary: 'accept-encoding' };
        if (!report) return send(req, res, 404, { ...headers, 'cache-control': 'no-store' }, renderNotFoundPage(code, lang));
        send(req, res, 200, { ...headers, 'cache-control': 'public, max-age=300' }, renderReportPage(report, lang));
      },
    },
    {
      name: 'qr',
      methods: ['GET', 'HEAD'],
      pattern: /^\/qr\/([^/]+)\.(svg|png)$/,
      auth: 'public',
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
        send(
          req,
          res,
          200,
          { 'content-type': QR_CONTENT_TYPES[format], 'cache-control': 'public, max-age=300', 'x-request-id': requestId, 'x-risk-level': risk },
          image,
        );
      },
    },
  ];
}
