import { DocumentNode, GraphQLError, Kind, SelectionSetNode, parse } from 'graphql';
import { QueryLimits } from './query-limits.plugin';
import { limitWalkCounter } from './walk-counter';

/** The limits the pre-parse check enforces. */
export type PrecheckLimits = Pick<QueryLimits, 'maxDepth' | 'maxAliases' | 'maxIntrospectionDepth'>;

/** Most tokens a query document may have; a parser guard against huge documents. */
export const MAX_TOKENS = 100_000;

/** Depth of the paths of a selection set: those through `__schema`/`__type` apart from the data's. */
interface Depths {
  data: number;
  introspection: number;
}

/**
 * Depths of every operation and fragment on the syntax alone, linear in the
 * document's size: a fragment's depths are computed once and reused wherever
 * it is spread (its spreads are never expanded); a cyclic spread counts 0
 * (validation refuses the document). Aliases are counted where written.
 */
function measureSyntax(doc: DocumentNode): { aliases: number; depthOf(set: SelectionSetNode): Depths } {
  const fragments = new Map<string, SelectionSetNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d.selectionSet);
  const memo = new Map<string, Depths>();
  const inProgress = new Set<string>();
  let aliases = 0;
  const counted = new Set<SelectionSetNode>();
  const setDepths = (set: SelectionSetNode): Depths => {
    const own = !counted.has(set);
    counted.add(set);
    const out: Depths = { data: 0, introspection: 0 };
    for (const sel of set.selections) {
      limitWalkCounter.visited++;
      if (sel.kind === Kind.FIELD) {
        if (own && sel.alias) aliases++;
        const child = sel.selectionSet ? setDepths(sel.selectionSet) : { data: 0, introspection: 0 };
        if (sel.name.value === '__schema' || sel.name.value === '__type') {
          out.introspection = Math.max(out.introspection, 1 + Math.max(child.data, child.introspection));
        } else {
          out.data = Math.max(out.data, 1 + child.data);
          if (child.introspection) out.introspection = Math.max(out.introspection, 1 + child.introspection);
        }
      } else {
        const d = sel.kind === Kind.INLINE_FRAGMENT ? setDepths(sel.selectionSet) : fragmentDepths(sel.name.value);
        out.data = Math.max(out.data, d.data);
        out.introspection = Math.max(out.introspection, d.introspection);
      }
    }
    return out;
  };
  const fragmentDepths = (name: string): Depths => {
    const known = memo.get(name);
    if (known) return known;
    const set = fragments.get(name);
    if (!set || inProgress.has(name)) return { data: 0, introspection: 0 };
    inProgress.add(name);
    const d = setDepths(set);
    inProgress.delete(name);
    memo.set(name, d);
    return d;
  };
  const operations = new Map<SelectionSetNode, Depths>();
  for (const d of doc.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) operations.set(d.selectionSet, setDepths(d.selectionSet));
    else if (d.kind === Kind.FRAGMENT_DEFINITION) fragmentDepths(d.name.value);
  }
  return { aliases, depthOf: (set) => operations.get(set) ?? setDepths(set) };
}

/**
 * Checks a query's size, depth and aliases on its syntax alone, before
 * validation — validation of a document with thousands of aliases is itself
 * expensive. Returns the error to answer with, or null when within limits
 * (or when the document does not parse: GraphQL's own error then explains it).
 */
export function precheckDocument(query: string, limits: PrecheckLimits): GraphQLError | null {
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

function checkDocument(query: string, limits: PrecheckLimits): GraphQLError | null {
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
  const measured = measureSyntax(doc);
  const aliases = measured.aliases;
  if (aliases > limits.maxAliases) {
    return new GraphQLError(`query uses ${aliases} aliases; the limit is ${limits.maxAliases}`, {
      extensions: { code: 'TOO_MANY_ALIASES', limit: limits.maxAliases, actual: aliases },
    });
  }
  for (const d of doc.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const { data, introspection } = measured.depthOf(d.selectionSet);
    if (data > limits.maxDepth) {
      return new GraphQLError(`query depth ${data} exceeds the limit of ${limits.maxDepth}`, {
        extensions: { code: 'QUERY_TOO_DEEP', limit: limits.maxDepth, actual: data },
      });
    }
    if (introspection > limits.maxIntrospectionDepth) {
      return new GraphQLError(`introspection depth ${introspection} exceeds the limit of ${limits.maxIntrospectionDepth}`, {
        extensions: { code: 'INTROSPECTION_TOO_DEEP', limit: limits.maxIntrospectionDepth, actual: introspection },
      });
    }
  }
  return null;
}
