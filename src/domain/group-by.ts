/** Groups rows by a key, keeping the order of `keys` (an empty list for a key no row has) and of the rows within a key. */
export function groupBy<T>(keys: readonly string[], rows: readonly T[], keyOf: (r: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = map.get(k);
    if (list) list.push(r);
    else map.set(k, [r]);
  }
  return keys.map((k) => map.get(k) ?? []);
}
