/**
 * A page of a keyset-paged list in Relay form: the rows asked for, whether
 * more follow, and the total — counted only when a client asks for it, once.
 */
export interface KeysetPage<T> {
  edges: { cursor: string; node: T }[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount(): Promise<number>;
}

/**
 * Builds a {@link KeysetPage} from the rows a query returned when it asked
 * for `first + 1` rows (the extra row only says that more follow).
 */
export function keysetPage<T>(fetched: T[], first: number, cursorOf: (row: T) => string, count: () => Promise<number>): KeysetPage<T> {
  const edges = fetched.slice(0, first).map((node) => ({ cursor: cursorOf(node), node }));
  let total: Promise<number> | undefined;
  return {
    edges,
    hasNextPage: fetched.length > first,
    endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    totalCount: () => (total ??= count()),
  };
}
