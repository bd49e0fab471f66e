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

/** The refusal `code` when `actual` exceeds `limit`, with the message `say` writes; null within it. */
function beyond(code: string, actual: number, limit: number, say: () => string): GraphQLError | null {
  return actual > limit ? refusal(code, say(), limit, actual) : null;
}

/** The first limit a measured operation breaks, as the error to answer with; null when within every limit. */
export function limitError(m: OperationMeasure, limits: QueryLimits, operation: OperationTypeNode): GraphQLError | null {
  const cost =
    operation === OperationTypeNode.SUBSCRIPTION
      ? beyond(
          'SUBSCRIPTION_TOO_COSTLY',
          m.cost,
          limits.maxSubscriptionCost,
          () =>
            `subscription cost ${m.cost} per event exceeds the limit of ${limits.maxSubscriptionCost}; select fewer fields (a past health report costs more)`,
        )
      : beyond(
          'QUERY_TOO_COSTLY',
          m.cost,
          limits.maxCost,
          () => `query cost ${m.cost} exceeds the limit of ${limits.maxCost}; ask for smaller pages or fewer nested lists`,
        );
  return (
    beyond('QUERY_TOO_DEEP', m.depth, limits.maxDepth, () => `query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`) ??
    beyond(
      'INTROSPECTION_TOO_DEEP',
      m.introspectionDepth,
      limits.maxIntrospectionDepth,
      () => `introspection depth ${m.introspectionDepth} exceeds the limit of ${limits.maxIntrospectionDepth}`,
    ) ??
    beyond('TOO_MANY_ALIASES', m.aliases, limits.maxAliases, () => `query uses ${m.aliases} aliases; the limit is ${limits.maxAliases}`) ??
    beyond(
      'PAGE_TOO_LARGE',
      m.largestPage,
      limits.maxPageSize,
      () => `first: ${m.largestPage} at ${m.largestPagePath} exceeds the page size limit of ${limits.maxPageSize}; page with 'after'`,
    ) ??
    cost ??
    beyond(
      'INTROSPECTION_TOO_COSTLY',
      m.introspectionCost,
      limits.maxIntrospectionCost,
      () => `introspection cost ${m.introspectionCost} exceeds the limit of ${limits.maxIntrospectionCost}`,
    )
  );
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
