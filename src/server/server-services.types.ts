import { ApiKeyService } from '../auth/api-key.service';
import { Database } from '../db/database';
import { ApiServices } from '../graphql/context';
import { ChangeFeed } from '../realtime/change-feed';

/**
 * What the HTTP server and its routes use: the GraphQL layer's services plus
 * the API keys (every request authenticates), the database (probes, pages,
 * exports) and the change feed (subscriptions). `src/app` passes its
 * `HubServices`, which has all of them.
 */
export interface ServerServices extends ApiServices {
  db: Database;
  apiKeys: ApiKeyService;
  /** Database change events feeding subscriptions; started by the subscription server. */
  realtime: ChangeFeed;
}
