import { DocumentNode, GraphQLError, Kind, SelectionSetNode, parse } from 'graphql';
import { QueryLimits } from './query-limits.plugin';

/** Most tokens a query document may have; a parser guard against huge documents. */
export const MAX_TOKENS = 100_000;

function depthOf(set: SelectionSetNode | undefined, fragments: Map<string, SelectionSetNode>, seen: Set<string>): number {
  if (!set) return 0;
  let deepest = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) deepest = Math.max(deepest, 1 + depthOf(sel.selectionSet, fragments, seen));
    else if (sel.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(sel.selectionSet, fragments, seen));
    else if (!seen.has(sel.name.value)) deepest = Math.max(deepest, depthOf(fragments.get(sel.name.value), fragments, new Set([...seen, sel.name.value])));
  }
  return deepest;
}

function countAliases(doc: DocumentNode): number {
  let n = 0;
  const visitSet = (set: SelectionSetNode | undefined) => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) {
        if (sel.alias) n++;
        visitSet(sel.selectionSet);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) visitSet(sel.selectionSet);
    }
  };
  for (const d of doc.definitions) if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) visitSet(d.selectionSet);
  return n;
}

/**
 * Checks a query's size, depth and aliases on its syntax alone, before
 * validation — validation of a document with thousands of aliases is itself
 * expensive. Returns the error to answer with, or null when within limits
 * (or when the document does not parse: GraphQL's own error then explains it).
 */
export function precheckDocument(query: string, limits: Pick<QueryLimits, 'maxDepth' | 'maxAliases'>): GraphQLError | null {
  if (query.length > MAX_CACHED_QUERY_LENGTH) return checkDocument(query, limits);
  let byLimits = verdicts.get(limits);
  if (!byLimits) verdicts.set(limits, (byLimits = new Map()));
  const known = byLimits.get(query);
  if (known !== undefined) {
    // Least recently used first: move a hit to the end.
    byLimits.delete(query);
    byLimits.set(query, known);
    return known;
  }
  const verdict = checkDocument(query, limits);
  byLimits.set(query, verdict);
  if (byLimits.size > MAX_CACHED_VERDICTS) byLimits.delete(byLimits.keys().next().value!);
  return verdict;
}

/** Most distinct documents whose precheck verdict is remembered (per set of limits). */
export const MAX_CACHED_VERDICTS = 500;

/** Longest document whose verdict is remembered; longer ones are checked every time. */
export const MAX_CACHED_QUERY_LENGTH = 20_000;

/**
 * Verdicts of {@link precheckDocument} by document text, least recently used
 * first: clients send the same few documents again and again, and the check
 * parses the whole document (Apollo parses it again, from its own cache).
 */
const verdicts = new WeakMap<object, Map<string, GraphQLError | null>>();

function checkDocument(query: string, limits: Pick<QueryLimits, 'maxDepth' | 'maxAliases'>): GraphQLError | null {
  let doc: DocumentNode;
  try {
    doc = parse(query, { maxTokens: MAX_TOKENS, noLocation: true });
  } catch (e) {
    const msg = (e as Error).message;
    if (/more th[ae]n \d+ tokens/i.test(msg)) {
      return new GraphQLError(`query document has more than ${MAX_TOKENS} tokens, the limit`, { extensions: { code: 'QUERY_TOO_LARGE', limit: MAX_TOKENS } });
    }
    return null;
  }
  const fragments = new Map<string, SelectionSetNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d.selectionSet);
  const aliases = countAliases(doc);
  if (aliases > limits.maxAliases) {
    return new GraphQLError(`query uses ${aliases} aliases; the limit is ${limits.maxAliases}`, { extensions: { code: 'TOO_MANY_ALIASES', limit: limits.maxAliases, actual: aliases } });
  }
  for (const d of doc.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const depth = depthOf(d.selectionSet, fragments, new Set());
    if (depth > limits.maxDepth) {
      return new GraphQLError(`query depth ${depth} exceeds the limit of ${limits.maxDepth}`, { extensions: { code: 'QUERY_TOO_DEEP', limit: limits.maxDepth, actual: depth } });
    }
  }
  return null;
}
