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
});
