import axios from 'axios';
import { describeSimulator, parseSimArgs } from './sim.command';
import { startSimulator } from './sim.server';

describe('hub sim arguments', () => {
  it('parses generation, server and fault flags', () => {
    expect(
      parseSimArgs([
        '--enterprises',
        '5000',
        '--seed',
        '7',
        '--port',
        '0',
        '--today',
        '2026-11-30',
        '--monitoring-days',
        '14',
        '--fault-500',
        '0.1',
        '--fault-timeout=0.05',
        '--fault-timeout-ms',
        '2000',
        '--fault-malformed',
        '0.02',
        '--fault-duplicate',
        '0.01',
        '--fault-drop',
        '0.03',
        '--fault-seed',
        '5',
        '--omit-malformed',
      ]),
    ).toEqual({
      enterprises: 5000,
      seed: 7,
      port: 0,
      today: '2026-11-30',
      monitoringDays: 14,
      faults: { error500Rate: 0.1, timeoutRate: 0.05, timeoutMs: 2000, malformedRate: 0.02, duplicateRate: 0.01, dropRate: 0.03, seed: 5, omitMalformed: true },
    });
    expect(parseSimArgs(['--data', '/tmp/fixtures'])).toEqual({ dataDir: '/tmp/fixtures' });
  });

  it('refuses unknown flags listing the valid ones, and bad values', () => {
    expect(() => parseSimArgs(['--speed', '3'])).toThrow(/unknown argument '--speed'.*--enterprises.*--fault-drop/);
    expect(() => parseSimArgs(['--fault-500', '1.5'])).toThrow(/--fault-500 must be a share between 0 and 1/);
    expect(() => parseSimArgs(['--enterprises'])).toThrow(/needs a value/);
    expect(() => parseSimArgs(['--data', 'x', '--enterprises', '3'])).toThrow(/either --data/);
  });

  it('describes a running simulator in one line with its URL and counts', async () => {
    const sim = await startSimulator({ ...parseSimArgs(['--enterprises', '100', '--seed', '3', '--port', '0']) });
    try {
      const line = describeSimulator(sim);
      expect(line).toContain(sim.url);
      expect(line).toMatch(/permit 100, enforcement \d+ \(\d+ records\), penalty \d+, monitoring \d+, credit 100/);
      expect((await axios.get(`${sim.url}/healthz`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
