import type { DocumentTypeDecoration, TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/** One error of a GraphQL response, as the hub formats it (`extensions.code` is stable). */
export interface HubGraphQLError {
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** The raw GraphQL response of a request, for callers that want partial data with errors. */
export interface HubResponse<TResult> {
  data?: TResult | null;
  errors?: HubGraphQLError[];
  /** HTTP status of the response. */
  status: number;
}

/** Options of {@link createHubClient}. */
export interface HubClientOptions {
  /** The hub's GraphQL endpoint, e.g. `https://hub.example.gov.cn/graphql`. */
  url: string;
  /** An API key from `hub keys create`; sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Extra headers sent with every request (e.g. `x-request-id`). */
  headers?: Record<string, string>;
  /** The fetch implementation (default: the global `fetch` of browsers and Node ≥ 18). */
  fetch?: typeof fetch;
}

/**
 * A document with its result and variables types: the generated `…Document`
 * constants are `TypedDocumentNode`s (plain GraphQL ASTs, what Apollo Client,
 * urql and graphql-request take as they are); a typed document string
 * (`toString()` gives the text) is accepted too.
 */
export type TypedDocument<TResult, TVariables> =
  TypedDocumentNode<TResult, TVariables> | (DocumentTypeDecoration<TResult, TVariables> & { kind?: undefined; toString(): string });

const printed = new WeakMap<object, string>();

/** The text of a document (printed once per document object). */
function sourceOf(document: TypedDocument<unknown, unknown>): string {
  if (document.kind !== 'Document') return document.toString();
  let text = printed.get(document);
  if (text === undefined) printed.set(document, (text = print(document)));
  return text;
}

/** Variables argument: optional when the operation declares none that are required. */
type VariablesArg<TVariables> = Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables];

/**
 * Thrown by {@link HubClient.request} when the hub answers with errors or a
 * non-2xx status. `errors` holds the hub's messages (they say what to fix).
 */
export class HubRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: HubGraphQLError[],
    /** Partial data the hub returned beside the errors, if any. */
    readonly data: unknown = null,
  ) {
    super(
      errors.length ? errors.map((e) => `${e.extensions?.code ? `[${e.extensions.code}] ` : ''}${e.message}`).join('; ') : `the hub answered HTTP ${status}`,
    );
    this.name = 'HubRequestError';
  }
}

/** A client of one hub for one caller. */
export interface HubClient {
  /**
   * Runs a typed operation and returns its data; throws {@link HubRequestError}
   * when the response carries errors or the HTTP status is not 2xx.
   */
  request<TResult, TVariables>(document: TypedDocument<TResult, TVariables>, ...variables: VariablesArg<TVariables>): Promise<TResult>;
  /** Runs an operation and returns the whole response (data and errors) without throwing on GraphQL errors. */
  execute<TResult, TVariables>(document: TypedDocument<TResult, TVariables>, ...variables: VariablesArg<TVariables>): Promise<HubResponse<TResult>>;
}

/** The operation name of a document's first operation, sent as `operationName`. */
function operationNameOf(source: string): string | undefined {
  return /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(source)?.[1];
}

/**
 * Creates a client for the hub's GraphQL API over HTTP POST (GraphQL over
 * HTTP, `application/graphql-response+json`), authenticated with an API key.
 *
 * ```ts
 * const hub = createHubClient({ url: 'http://localhost:4000/graphql', apiKey });
 * const { enterprise } = await hub.request(EnterpriseHealthDocument, { creditCode });
 * ```
 */
export function createHubClient(opts: HubClientOptions): HubClient {
  const doFetch = opts.fetch ?? globalThis.fetch;
  if (!doFetch) throw new Error('no fetch implementation: pass `fetch` in the options (Node ≥ 18 and browsers have one)');
  const execute = async <TResult, TVariables>(document: TypedDocument<TResult, TVariables>, variables?: TVariables): Promise<HubResponse<TResult>> => {
    const query = sourceOf(document as TypedDocument<unknown, unknown>);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json;q=0.9',
      ...opts.headers,
    };
    if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
    const res = await doFetch(opts.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables: variables ?? {}, operationName: operationNameOf(query) }),
    });
    const text = await res.text();
    let body: { data?: TResult | null; errors?: HubGraphQLError[] };
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      throw new HubRequestError(res.status, [{ message: `the hub answered HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 200)}` }]);
    }
    return { data: body.data, errors: body.errors, status: res.status };
  };
  return {
    execute: (document, ...variables) => execute(document, variables[0]),
    async request(document, ...variables) {
      const r = await execute(document, variables[0]);
      if (r.errors?.length || r.status < 200 || r.status >= 300 || r.data == null) throw new HubRequestError(r.status, r.errors ?? [], r.data);
      return r.data;
    },
  };
}
