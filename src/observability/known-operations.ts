import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { projectRoot } from '../config/project-root';

/**
 * Operation names the hub itself publishes, besides those of the SDK's
 * documents: the standard introspection queries (graphql-js and the tools
 * built on it) and the example tabs of the GraphiQL page.
 */
export const PUBLISHED_OPERATION_NAMES: readonly string[] = ['IntrospectionQuery', 'RiskiestInCity', 'SearchByName', 'HealthReport'];

/** Where the SDK's operation documents live (the `client/` package is generated from them). */
export const SDK_OPERATIONS_DIR = path.join('schema', 'operations');

/** Names of the named operations of a GraphQL document. */
export function operationNamesIn(text: string): string[] {
  return parse(text).definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []));
}

/**
 * The operation names `/metrics` keeps as label values: those of the SDK's
 * documents (`schema/operations/*.graphql`, read once) and
 * {@link PUBLISHED_OPERATION_NAMES}. Every other named operation is counted
 * as `other` and an unnamed one as `anonymous`, so clients choosing names
 * cannot grow the number of series.
 */
export function knownOperationNames(root: string = projectRoot()): Set<string> {
  const names = new Set(PUBLISHED_OPERATION_NAMES);
  const dir = path.join(root, SDK_OPERATIONS_DIR);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.graphql')) : [];
  for (const f of files) for (const n of operationNamesIn(fs.readFileSync(path.join(dir, f), 'utf8'))) names.add(n);
  return names;
}
