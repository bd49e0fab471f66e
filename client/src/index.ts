/**
 * `@hub/client`: the typed client SDK of the enforcement data hub.
 *
 * - `createHubClient({ url, apiKey })` runs operations over fetch;
 * - every operation in the hub's `schema/operations/*.graphql` is exported as a
 *   typed document (`EnterpriseHealthDocument`, …) with its result and
 *   variables types (`EnterpriseHealthQuery`, `EnterpriseHealthQueryVariables`),
 *   generated at build time (`npm run build`) from the committed schema. Documents are
 *   `TypedDocumentNode`s: pass them to Apollo Client, urql or graphql-request
 *   as they are, and the result and variables are typed.
 */
export * from './hub-client.js';
export * from './generated/operations.js';
