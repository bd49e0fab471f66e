import { ServerServices } from './server-services.types';
import { HttpRoute } from './http-route';
import { enterpriseExportRoute } from './enterprise-export.route';
import { reportRoutes } from './report.routes';
import { graphiqlAssetRoute } from './graphiql.page';
import { metricsRoute } from './metrics.route';
import { planPageRoute } from './plan-page.route';
import { ExportCapacity } from './export-capacity';

/**
 * HTTP routes beyond GraphQL and the probes, contributed by other concerns
 * (report pages, QR codes, exports, metrics). Add a route module's factory here.
 */
export function featureRoutes(services: ServerServices, opts: { metricsToken?: string; exportCapacity: ExportCapacity }): HttpRoute[] {
  return [
    enterpriseExportRoute(opts.exportCapacity),
    ...reportRoutes(services),
    graphiqlAssetRoute(),
    metricsRoute(services, opts.metricsToken),
    planPageRoute(),
  ];
}
