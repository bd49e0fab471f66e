import { createLogger } from './logger';

describe('createLogger (pino)', () => {
  it('writes one JSON object per entry: time, level as a word, msg and fields; below the level nothing', () => {
    const lines: string[] = [];
    const log = createLogger('info', { json: true, sink: (l) => lines.push(l) });
    log('plain line');
    log.at('warn', 'http request', { requestId: 'r-1', status: 503 });
    log.at('debug', 'dropped');
    const entries = lines.map((l) => JSON.parse(l));
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ level: 'info', msg: 'plain line' });
    expect(entries[1]).toMatchObject({ level: 'warn', msg: 'http request', requestId: 'r-1', status: 503 });
    expect(Number.isNaN(Date.parse(entries[0].time))).toBe(false);
  });

  it('writes the same entries as readable lines for a terminal', () => {
    const lines: string[] = [];
    const log = createLogger('debug', { sink: (l) => lines.push(l) });
    log.at('debug', 'postgres: ready');
    log.at('error', 'run failed', { connector: 'permit' });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z debug postgres: ready$/);
    expect(lines[1]).toMatch(/ error run failed \{"connector":"permit"\}$/);
  });
});
