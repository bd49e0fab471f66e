import { ServerServices } from './server-services.types';
import { HttpRoute } from './http-route';
import { enterpriseExportRoute } from './enterprise-export.route';
import { reportRoutes } from './report.routes';
import { graphiqlAssetRoute } from './graphiql.page';
import { metricsRoute } from './metrics.route';
import { planPageRoute } from './plan-page.route';
import { ExportCapacity } from './export-capacity';
import { compressStreamedResponse } from './compression';

/** A route whose streamed body is compressed when the client accepts it (see compressStreamedResponse). */
function withStreamCompression(route: HttpRoute): HttpRoute {
  return { ...route, handle: (req, res, ctx) => route.handle(req, compressStreamedResponse(req, res), ctx) };
}

/**
 * HTTP routes beyond GraphQL and the probes, contributed by other concerns
 * (report pages, QR codes, exports, metrics). Add a route module's factory here.
 */
export function featureRoutes(services: ServerServices, opts: { metricsToken?: string; exportCapacity: ExportCapacity }): HttpRoute[] {
  return [
    withStreamCompression(enterpriseExportRoute(opts.exportCapacity)),
    ...reportRoutes(services),
    graphiqlAssetRoute(),
    metricsRoute(services, opts.metricsToken),
    planPageRoute(),
  ];
}
