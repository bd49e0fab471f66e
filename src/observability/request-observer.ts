import http from 'node:http';
import { Logger } from './logger';
import { MetricsSource, hubMetrics } from './hub-metrics';

/** What a request observation uses: the metrics' source and the hub's log. */
export type ObservedServices = MetricsSource & { log: (line: string) => void };

/** Routes that probes and scrapers call all the time: logged at debug level only. */
const QUIET_ROUTES = new Set(['healthz', 'readyz', 'metrics', 'graphiql-assets']);

/** The structured side of a hub log function, when it has one (`createLogger` loggers do). */
function structured(log: ObservedServices['log']): Logger['at'] | undefined {
  const at = (log as Partial<Logger>).at;
  return typeof at === 'function' ? at : undefined;
}

/**
 * Observes one HTTP request of the hub's server: counts it in the metrics
 * (route, method, status, duration) and writes one access-log entry with its
 * request id when the response is done — a JSON object when the hub logs JSON.
 */
export function observeHttpRequest(services: ObservedServices, req: http.IncomingMessage, res: http.ServerResponse, route: string, requestId: string): void {
  const at = structured(services.log);
  hubMetrics(services).observeRequest(req, res, route, (status, seconds) => {
    const path = (req.url ?? '/').split('?')[0];
    const fields = { requestId, method: req.method, path, route, status, ms: Math.round(seconds * 10000) / 10 };
    const quiet = QUIET_ROUTES.has(route) && status < 400;
    if (at) at(quiet ? 'debug' : status >= 500 ? 'error' : 'info', 'http request', fields);
    else if (!quiet) services.log(`http request ${JSON.stringify(fields)}`);
  });
}
