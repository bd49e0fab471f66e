import { Audit, AuditResult, serverAudits } from 'graphql-http';
import { TestHub, startTestHub } from './support/test-hub';

/**
 * GraphQL over HTTP conformance: the `graphql-http` package's server audit
 * against the real server, every request carrying an API key. Every MUST
 * passes; the SHOULD and MAY results are printed.
 */
describe('GraphQL over HTTP audit (graphql-http serverAudits)', () => {
  let hub: TestHub;
  let audits: Audit[];
  const results: AuditResult[] = [];

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 0 } });
    const key = hub.adminKey;
    const authedFetch: typeof fetch = (input, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${key}`);
      return fetch(input, { ...init, headers });
    };
    audits = serverAudits({ url: `http://127.0.0.1:${hub.server!.port}/graphql`, fetchFn: authedFetch });
  });
  afterAll(async () => {
    const line = (r: AuditResult) =>
      `${r.status === 'ok' ? 'ok  ' : r.status === 'warn' ? 'WARN' : 'FAIL'} ${r.name}${r.status === 'ok' ? '' : ` — ${r.reason}`}`;
    const notMust = results.filter((r) => !r.name.startsWith('MUST'));
    console.log(
      `graphql-http audit: ${results.filter((r) => r.status === 'ok').length}/${results.length} ok\n` + `SHOULD/MAY results:\n${notMust.map(line).join('\n')}`,
    );
    await hub?.close();
  });

  it('passes every MUST audit', async () => {
    const failures: string[] = [];
    for (const audit of audits) {
      const r = await audit.fn();
      results.push(r);
      if (audit.name.startsWith('MUST') && r.status !== 'ok') failures.push(`${audit.id} ${audit.name}: ${r.status === 'ok' ? '' : r.reason}`);
    }
    expect(results.length).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  });
});
