import { createHash, timingSafeEqual } from 'node:crypto';
import { ServerServices } from './server-services.types';
import { hubMetrics } from '../observability/hub-metrics';
import { HttpError, HttpRoute } from './http-route';

/** Whether the request's `Authorization: Bearer <token>` is `token` (compared in constant time). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]), digest(token));
}

/**
 * `GET /metrics`: the hub's metrics in the Prometheus text format. With
 * `token` (HUB_METRICS_TOKEN) it answers only to `Authorization: Bearer
 * <token>` (401 otherwise); without, it is public like the probes, so keep it
 * behind the network edge.
 */
export function metricsRoute(services: ServerServices, token?: string): HttpRoute {
  return {
    name: 'metrics',
    methods: ['GET'],
    pattern: /^\/metrics$/,
    auth: 'public',
    async handle(req, res) {
      if (token && !bearerMatches(req.headers.authorization, token)) {
        throw new HttpError(401, '/metrics needs "Authorization: Bearer <HUB_METRICS_TOKEN>"', 'UNAUTHENTICATED', {
          'www-authenticate': 'Bearer realm="metrics"',
        });
      }
      const { contentType, body } = await hubMetrics(services).exposition();
      res.writeHead(200, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
      res.end(body);
    },
  };
}
