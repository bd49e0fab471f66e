import { HubServices } from '../app/hub-services';
import { HttpRoute } from './http-route';
import { enterpriseExportRoute } from '../search/enterprise-export.route';

/**
 * HTTP routes beyond GraphQL and the probes, contributed by other concerns
 * (report pages, QR codes, exports, metrics). Add a route module's factory here.
 */
export function featureRoutes(_services: HubServices): HttpRoute[] {
  return [enterpriseExportRoute()];
}
