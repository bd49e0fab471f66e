import { ServerServices } from './server-services.types';
import { hubMetrics } from '../observability/hub-metrics';
import { HttpRoute } from './http-route';

/** `GET /metrics`: the hub's metrics in the Prometheus text format (public, like the probes; keep it behind the network edge). */
export function metricsRoute(services: ServerServices): HttpRoute {
  return {
    name: 'metrics',
    methods: ['GET'],
    pattern: /^\/metrics$/,
    auth: 'public',
    async handle(_req, res) {
      const { contentType, body } = await hubMetrics(services).exposition();
      res.writeHead(200, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
      res.end(body);
    },
  };
}
