import { evaluateResolution, formatResolutionFigures, TruthRecord } from '../src/resolution/resolution-evaluation';
import { TestHub, startTestHub } from './support/test-hub';

/**
 * Nothing lost (issue 20): on a generated province with identity noise, every noisy
 * record is linked, queued or quarantined — counted against the simulator's truth —
 * and automatic links name the enterprise the truth names.
 */
describe('entity resolution against the simulator truth', () => {
  let hub: TestHub;
  let truth: TruthRecord[];

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 400, identityNoise: 0.2, identityNoiseSeed: 7 }, server: false });
    truth = ((await (await fetch(`${hub.sim.url}/admin/truth`)).json()) as { records: TruthRecord[] }).records;
    await hub.services.runner.syncAll(['permit', 'enforcement', 'penalty'], 'test');
  });
  afterAll(async () => hub?.close());

  it('links, queues or quarantines every noisy record, and automatic links are right', async () => {
    expect(truth.length).toBeGreaterThan(50);
    expect(new Set(truth.map((t) => t.system))).toEqual(new Set(['enforcement', 'penalty']));
    const e = await evaluateResolution(hub.services.db.pool, truth);
    hub.logs.push(...formatResolutionFigures(e));
    expect(e.all.lost).toBe(0);
    expect(e.all.noisy).toBe(truth.length);
    expect(e.all.autoLinked + e.all.stewardLinked + e.all.queued + e.all.quarantined).toBe(truth.length);
    expect(e.all.precision).toBeGreaterThanOrEqual(0.99);
    expect(e.all.recall).toBeGreaterThanOrEqual(0.8);
    // Organisation codes and permit numbers are deterministic: all of them link, to the right enterprise.
    expect(e.all.byVariant.ORG_CODE).toMatchObject({ wrong: 0, queued: 0, quarantined: 0, lost: 0 });
    expect(e.all.byVariant.PERMIT_NO).toMatchObject({ wrong: 0, queued: 0, quarantined: 0, lost: 0 });
  });
});
