import { Client } from 'pg';

/**
 * Counts SQL statements sent by every pg client in this process (the hub's
 * pool and MikroORM alike) while `fn` runs: their texts in `statements` and,
 * in `calls`, each text with the values bound to it.
 */
export async function countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[]; calls: { text: string; values: unknown[] }[] }> {
  const proto = Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  const calls: { text: string; values: unknown[] }[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0] as string | { text?: string; values?: unknown[] };
    const text = typeof q === 'string' ? q : (q?.text ?? String(q));
    calls.push({ text, values: (typeof q === 'string' ? (args[1] as unknown[] | undefined) : q?.values) ?? [] });
    return original.apply(this, args);
  };
  try {
    const result = await fn();
    return { result, statements: calls.map((c) => c.text), calls };
  } finally {
    proto.query = original;
  }
}
