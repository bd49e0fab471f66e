import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  DocumentNode,
  ExecutionResult,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  execute,
} from 'graphql';
import { CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/** What Apollo Server takes as `gateway`: here, the hub's own schema with an executor of its own. */
type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type ExecutorResult = Awaited<ReturnType<Executor>>;
type SchemaListener = Parameters<Gateway['onSchemaLoadOrUpdate']>[0];

/** Options of {@link compiledQueryGateway}. */
export interface CompiledQueryOptions {
  /**
   * How often a document's query runs on graphql-js before it is compiled
   * (default 2: compiled on its third run; 0 compiles at once; null never
   * compiles). A query sent once or twice, as a person exploring the API sends
   * one, never pays for compiling (about 1 ms for the seed search).
   */
  compileAfterRuns?: number | null;
}

/** How the executions of a {@link compiledQueryGateway} ran, since it started. */
export interface CompiledQueryStats {
  /** Operations run compiled. */
  compiled: number;
  /** Operations run on graphql-js (first runs, mutations, introspection, what could not be compiled). */
  interpreted: number;
  /** Operations compiled. */
  compilations: number;
}

/** One operation of a document, by name. */
interface OperationEntry {
  /** Runs on graphql-js so far. */
  runs: number;
  /** Its compiled form once compiled; null when it runs on graphql-js for good (it reads the schema, or did not compile). */
  compiled?: CompiledQuery | null;
}

/**
 * Runs the hub's queries as compiled JavaScript (graphql-jit) instead of
 * graphql-js's interpreter, behind Apollo Server's `gateway` interface: Apollo
 * still parses, validates, checks limits and persisted queries, runs every
 * plugin and formats every error; only the execution of a validated query is
 * replaced. A query compiles once it has run
 * {@link CompiledQueryOptions.compileAfterRuns} times and is kept as long as
 * Apollo keeps its parsed document (a `WeakMap` on the document, so Apollo's
 * bounded document store bounds the compiled ones too). Mutations,
 * subscriptions, introspection (about 40 ms to compile, and sent once by a
 * tool) and a query graphql-jit cannot compile run on graphql-js, as before.
 *
 * Measured on the seed search (a 50-row page with tags and twelve history
 * points each, about 3,000 fields), in process: 5.3–6.2 ms of CPU a request
 * against 8.7–9.1 ms on graphql-js, the same answer byte for byte; the
 * result's objects are plain ones, which `JSON.stringify` writes 2–3 times
 * faster than graphql-js's null-prototype ones.
 */
export function compiledQueryGateway(schema: GraphQLSchema, opts: CompiledQueryOptions = {}): Gateway & { readonly stats: CompiledQueryStats } {
  const compileAfter = opts.compileAfterRuns === undefined ? 2 : opts.compileAfterRuns;
  const documents = new WeakMap<DocumentNode, Map<string, OperationEntry>>();
  const listeners = new Set<SchemaListener>();
  const stats: CompiledQueryStats = { compiled: 0, interpreted: 0, compilations: 0 };

  const compiledFor = (document: DocumentNode, operation: OperationDefinitionNode, operationName: string | undefined): CompiledQuery | null => {
    if (compileAfter === null || operation.operation !== 'query') return null;
    let operations = documents.get(document);
    if (!operations) documents.set(document, (operations = new Map()));
    const name = operationName ?? '';
    let entry = operations.get(name);
    // Whether it reads the schema is looked at once per operation, not on every run.
    if (!entry) operations.set(name, (entry = { runs: 0, compiled: readsSchema(document, operation.selectionSet) ? null : undefined }));
    if (entry.compiled !== undefined) return entry.compiled;
    if (entry.runs < compileAfter) {
      entry.runs++;
      return null;
    }
    entry.compiled = null;
    try {
      const c = compileQuery(schema, document, operationName);
      if (isCompiledQuery(c)) entry.compiled = c;
    } catch {
      // A construct the compiler does not handle: graphql-js runs this operation every time.
    }
    if (entry.compiled) stats.compilations++;
    return entry.compiled;
  };

  const executor: Executor = async (rc) => {
    const variables = rc.request.variables ?? {};
    const interpreted = async (): Promise<ExecutorResult> => {
      stats.interpreted++;
      return (await execute({
        schema,
        document: rc.document,
        contextValue: rc.context,
        variableValues: variables,
        operationName: rc.operationName,
      })) as ExecutorResult;
    };
    const compiled = compiledFor(rc.document, rc.operation, rc.operationName ?? undefined);
    if (!compiled) return interpreted();
    const result = (await compiled.query(undefined, rc.context, variables)) as ExecutionResult;
    // Variables that did not coerce: nothing ran, so graphql-js runs it again for its own errors, which name the
    // variable's definition (Apollo answers those as BAD_USER_INPUT with HTTP 400).
    if (result.errors?.length && result.data === undefined) return interpreted();
    stats.compiled++;
    return (result.errors?.length ? { ...result, errors: result.errors.map(asGraphqlJsError) } : result) as ExecutorResult;
  };

  return {
    stats,
    async load() {
      for (const listen of listeners) listen({ apiSchema: schema, coreSupergraphSdl: '' });
      return { executor };
    },
    onSchemaLoadOrUpdate(listen) {
      listeners.add(listen);
      return () => listeners.delete(listen);
    },
    async stop() {
      listeners.clear();
    },
  };
}

/** True when a root selection (through fragments too) reads the schema: `__schema` or `__type`. */
function readsSchema(document: DocumentNode, set: SelectionSetNode, seen = new Set<string>()): boolean {
  return set.selections.some((s) => {
    if (s.kind === Kind.FIELD) return s.name.value === '__schema' || s.name.value === '__type';
    if (s.kind === Kind.INLINE_FRAGMENT) return readsSchema(document, s.selectionSet, seen);
    if (seen.has(s.name.value)) return false;
    seen.add(s.name.value);
    const fragment = document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === s.name.value);
    return fragment !== undefined && readsSchema(document, fragment.selectionSet, seen);
  });
}

/**
 * A field error as graphql-js makes it: graphql-jit's errors carry no
 * `extensions` object when the thrown error had none, which Apollo's error
 * formatting reads. Message, path, locations and the original error are kept.
 */
function asGraphqlJsError(e: GraphQLError): GraphQLError {
  const err = new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined, extensions: e.extensions ?? undefined });
  (err as { locations?: GraphQLError['locations'] }).locations = e.locations;
  return err;
}
