import { Client } from 'pg';

/**
 * Counts the SQL statements every pg client of this process sends (the hub's
 * pools and MikroORM alike) while `fn` runs, with their first words.
 */
export async function countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const proto = Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  const statements: string[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0] as string | { text?: string; name?: string };
    statements.push((typeof q === 'string' ? q : (q?.name ?? q?.text ?? String(q))).replace(/\s+/g, ' ').trim().slice(0, 60));
    return original.apply(this, args);
  };
  try {
    return { result: await fn(), statements };
  } finally {
    proto.query = original;
  }
}
