import { ApolloServerPlugin } from '@apollo/server';
import { FragmentDefinitionNode, GraphQLError, Kind } from 'graphql';
import { HubContext } from '../context';
import { measureOperation } from './query-cost';

/** Limits on what one GraphQL operation may ask for. */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxPageSize: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxAliases: 30, maxCost: 50_000, maxPageSize: 500 };

function refuse(code: string, message: string, limit: number, actual: number): never {
  throw new GraphQLError(message, { extensions: { code, limit, actual, http: { status: 400 } } });
}

/**
 * Refuses hostile or careless operations before they run: too deep, too many
 * aliases, pages too large, or too costly. The error names the limit and its
 * value in `extensions` so a client knows what to change.
 */
export function queryLimitsPlugin(limits: QueryLimits = DEFAULT_QUERY_LIMITS): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, schema, request }) {
          if (!operation) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
          const m = measureOperation(schema, operation, fragments, request.variables ?? {});
          if (m.depth > limits.maxDepth) refuse('QUERY_TOO_DEEP', `query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`, limits.maxDepth, m.depth);
          if (m.aliases > limits.maxAliases) refuse('TOO_MANY_ALIASES', `query uses ${m.aliases} aliases; the limit is ${limits.maxAliases}`, limits.maxAliases, m.aliases);
          if (m.largestPage > limits.maxPageSize) refuse('PAGE_TOO_LARGE', `first: ${m.largestPage} at ${m.largestPagePath} exceeds the page size limit of ${limits.maxPageSize}; page with 'after'`, limits.maxPageSize, m.largestPage);
          if (m.cost > limits.maxCost) refuse('QUERY_TOO_COSTLY', `query cost ${m.cost} exceeds the limit of ${limits.maxCost}; ask for smaller pages or fewer nested lists`, limits.maxCost, m.cost);
        },
      };
    },
  };
}
