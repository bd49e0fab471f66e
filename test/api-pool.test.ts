import { Client } from 'pg';
import { TestHub, startTestHub } from './support/test-hub';

/** Statements sent while `fn` runs, each with the statement timeout of the client that sent it (none on the sync pool). */
async function statementsWithTimeouts<T>(fn: () => Promise<T>): Promise<{ text: string; timeout: unknown }[]> {
  const proto = Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  const seen: { text: string; timeout: unknown }[] = [];
  proto.query = function (this: { connectionParameters?: { statement_timeout?: unknown } }, ...args: unknown[]) {
    const q = args[0] as string | { text?: string };
    seen.push({ text: typeof q === 'string' ? q : (q?.text ?? String(q)), timeout: this.connectionParameters?.statement_timeout });
    return original.apply(this, args);
  };
  try {
    await fn();
    return seen;
  } finally {
    proto.query = original;
  }
}

/** Every read of the API runs on the API pool, under its statement timeout, never on the pool the syncs write with. */
describe('API reads on the API pool', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 20, seed: 3, today: '2026-11-30' } });
    await hub.services.runner.run('permit');
  });
  afterAll(async () => hub?.close());

  it('reads a page with tags and recent history (the page prefetch, tagsOf, the history loader) under the statement timeout', async () => {
    const page = '{ enterprises(first: 5) { edges { node { creditCode tags { code } recentHistory(last: 3) { score } } } } }';
    await hub.graphql(page); // the key is authenticated (and cached) once
    const byField = '{ a: enterprise(creditCode: "x") { creditCode } enterprises(first: 3) { edges { node { creditCode } } } }';
    const seen = await statementsWithTimeouts(async () => {
      const body = await hub.graphql(page);
      expect(body.errors).toBeUndefined();
      expect(body.data.enterprises.edges.length).toBe(5);
      await hub.graphql(byField);
    });
    const reads = seen.filter((s) => /enterprise_tags|score_history|score_point|tag/i.test(s.text));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((s) => !s.timeout).map((s) => s.text.slice(0, 80))).toEqual([]);
  });
});
