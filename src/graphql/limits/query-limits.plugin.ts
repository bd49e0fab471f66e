import { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, FragmentDefinitionNode, GraphQLError, GraphQLSchema, Kind, OperationDefinitionNode, OperationTypeNode } from 'graphql';
import { HubContext } from '../context';
import { nulInputError } from './input-check';
import { OperationMeasure, measureOperation } from './query-cost';

/** Limits on what one GraphQL operation may ask for. */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxPageSize: number;
  /** Deepest path through `__schema`/`__type`: introspection has limits of its own, apart from the data's. */
  maxIntrospectionDepth: number;
  /** Most introspection objects one operation may resolve (estimated). */
  maxIntrospectionCost: number;
  /** Most a subscription may cost per pushed event: each event executes its selection again. */
  maxSubscriptionCost: number;
}

/**
 * The defaults. The introspection limits admit the standard introspection
 * queries of graphql-js (every option), GraphiQL and GraphQL Code Generator
 * with room to spare, and refuse recursive introspection.
 */
export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxCost: 50_000,
  maxPageSize: 500,
  maxIntrospectionDepth: 20,
  maxIntrospectionCost: 100_000,
  maxSubscriptionCost: 200,
};

function refusal(code: string, message: string, limit: number, actual: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, limit, actual, http: { status: 400 } } });
}

/** The first limit a measured operation breaks, as the error to answer with; null when within every limit. */
export function limitError(m: OperationMeasure, limits: QueryLimits, operation: OperationTypeNode): GraphQLError | null {
  if (m.depth > limits.maxDepth) return refusal('QUERY_TOO_DEEP', `query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`, limits.maxDepth, m.depth);
  if (m.introspectionDepth > limits.maxIntrospectionDepth)
    return refusal(
      'INTROSPECTION_TOO_DEEP',
      `introspection depth ${m.introspectionDepth} exceeds the limit of ${limits.maxIntrospectionDepth}`,
      limits.maxIntrospectionDepth,
      m.introspectionDepth,
    );
  if (m.aliases > limits.maxAliases)
    return refusal('TOO_MANY_ALIASES', `query uses ${m.aliases} aliases; the limit is ${limits.maxAliases}`, limits.maxAliases, m.aliases);
  if (m.largestPage > limits.maxPageSize)
    return refusal(
      'PAGE_TOO_LARGE',
      `first: ${m.largestPage} at ${m.largestPagePath} exceeds the page size limit of ${limits.maxPageSize}; page with 'after'`,
      limits.maxPageSize,
      m.largestPage,
    );
  if (operation === OperationTypeNode.SUBSCRIPTION) {
    if (m.cost > limits.maxSubscriptionCost)
      return refusal(
        'SUBSCRIPTION_TOO_COSTLY',
        `subscription cost ${m.cost} per event exceeds the limit of ${limits.maxSubscriptionCost}; select fewer fields (a past health report costs more)`,
        limits.maxSubscriptionCost,
        m.cost,
      );
  } else if (m.cost > limits.maxCost) {
    return refusal(
      'QUERY_TOO_COSTLY',
      `query cost ${m.cost} exceeds the limit of ${limits.maxCost}; ask for smaller pages or fewer nested lists`,
      limits.maxCost,
      m.cost,
    );
  }
  if (m.introspectionCost > limits.maxIntrospectionCost)
    return refusal(
      'INTROSPECTION_TOO_COSTLY',
      `introspection cost ${m.introspectionCost} exceeds the limit of ${limits.maxIntrospectionCost}`,
      limits.maxIntrospectionCost,
      m.introspectionCost,
    );
  return null;
}

/** Measures `operation` of `document` and checks it against `limits` (HTTP and WebSocket alike). */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: QueryLimits,
): GraphQLError | null {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return limitError(measureOperation(schema, operation, fragments, variables), limits, operation.operation);
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
          const badInput = nulInputError(document, request.variables ?? {});
          if (badInput) throw badInput;
          const refused = checkOperationLimits(schema, document, operation, request.variables ?? {}, limits);
          if (refused) throw refused;
        },
      };
    },
  };
}
