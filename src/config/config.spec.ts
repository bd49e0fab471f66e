import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies defaults when the environment is empty', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.sourcesUrl).toBe('http://127.0.0.1:4100');
    expect(c.port).toBe(4000);
    expect(c.dataDir).toMatch(/\.hub-data$/);
    expect(c.publicUrl).toBe('http://localhost:4000');
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', PORT: '99999', HUB_SOURCES_URL: 'not a url', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems.join('\n')).toMatch(/DATABASE_URL must use postgres or postgresql/);
      expect(problems.join('\n')).toMatch(/PORT must be a port number/);
      expect(problems.join('\n')).toMatch(/HUB_SOURCES_URL is not a valid URL/);
      expect(problems.join('\n')).toMatch(/LOG_LEVEL must be one of/);
    }
  });

  it('never prints the password of an invalid DATABASE_URL', () => {
    for (const value of ['postgres://hub:s3cr3t-pw@db.example:5432:bad/hub', 'postgres://hub:s3cr3t-pw@[bad']) {
      let message = '';
      try {
        loadConfig({ DATABASE_URL: value });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/DATABASE_URL is not a valid URL: 'postgres:\/\/hub:\*\*\*@/);
      expect(message).not.toContain('s3cr3t-pw');
    }
  });

  it('reads every setting', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://a@h/db',
      PORT: '4555',
      LOG_LEVEL: 'debug',
      HUB_INTROSPECTION: 'OFF',
      HUB_STATEMENT_TIMEOUT_MS: '2000',
      HUB_SYNC_CONCURRENCY: '2',
      HUB_SOURCES_URL: 'http://s:1/',
      PORT_EXTRA: 'x',
    });
    expect(c).toMatchObject({
      databaseUrl: 'postgres://a@h/db',
      port: 4555,
      publicUrl: 'http://localhost:4555',
      logLevel: 'debug',
      introspection: false,
      statementTimeoutMs: 2000,
      syncConcurrency: 2,
      sourcesUrl: 'http://s:1',
    });
    expect(() => loadConfig({ HUB_SYNC_CONCURRENCY: '17', HUB_STATEMENT_TIMEOUT_MS: '50', HUB_INTROSPECTION: 'maybe' })).toThrow(
      /HUB_INTROSPECTION[\s\S]*HUB_STATEMENT_TIMEOUT_MS[\s\S]*HUB_SYNC_CONCURRENCY|HUB_SYNC_CONCURRENCY/,
    );
  });

  it('reads when queries run compiled: after 2 runs by default, after N, never with off', () => {
    expect(loadConfig({}).compileQueriesAfterRuns).toBe(2);
    expect(loadConfig({ HUB_COMPILE_QUERIES_AFTER: '0' }).compileQueriesAfterRuns).toBe(0);
    expect(loadConfig({ HUB_COMPILE_QUERIES_AFTER: 'OFF' }).compileQueriesAfterRuns).toBeNull();
    expect(() => loadConfig({ HUB_COMPILE_QUERIES_AFTER: 'soon' })).toThrow(
      /HUB_COMPILE_QUERIES_AFTER must be a whole number of runs \(0 = compile at once\) or off, got 'soon'/,
    );
  });

  it('report links and QR codes follow --port when HUB_PUBLIC_URL is unset (issue 14 item 14)', () => {
    expect(loadConfig({}, { port: 4711 }).publicUrl).toBe('http://localhost:4711');
    expect(loadConfig({ PORT: '4555' }, { port: 4711 }).publicUrl).toBe('http://localhost:4711');
    expect(loadConfig({ HUB_PUBLIC_URL: 'https://hub.example.gov.cn/' }, { port: 4711 }).publicUrl).toBe('https://hub.example.gov.cn');
  });
});
