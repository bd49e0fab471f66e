import { ServerServices } from './server-services.types';
import { HttpRoute } from './http-route';
import { enterpriseExportRoute } from './enterprise-export.route';
import { reportRoutes } from './report.routes';
import { graphiqlAssetRoute } from './graphiql.page';
import { metricsRoute } from './metrics.route';
import { planPageRoute } from './plan-page.route';

/**
 * HTTP routes beyond GraphQL and the probes, contributed by other concerns
 * (report pages, QR codes, exports, metrics). Add a route module's factory here.
 */
export function featureRoutes(services: ServerServices, opts: { metricsToken?: string } = {}): HttpRoute[] {
  return [enterpriseExportRoute(), ...reportRoutes(services), graphiqlAssetRoute(), metricsRoute(services, opts.metricsToken), planPageRoute()];
}
