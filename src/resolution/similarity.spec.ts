import { NameStandardiser } from './name-standardiser';
import { shandongDivisionNames } from './resolution-test.fixtures';
import { charGrams, decide, gramJaccard, scoreCandidates } from './similarity';

describe('similarity', () => {
  const s = new NameStandardiser(shandongDivisionNames());
  const block = [
    { creditCode: 'A', name: '济南恒泰化工有限公司', address: '山东省济南市历城区工业路12号' },
    { creditCode: 'B', name: '济南恒达化工有限公司', address: '山东省济南市历城区经十路880号' },
    { creditCode: 'C', name: '历城华信热电股份有限公司', address: '山东省济南市历城区滨河路5号' },
    { creditCode: 'D', name: '济南新宇建材有限公司(原"济南新宇砖厂",已更名)', address: '山东省济南市历城区建设路7号' },
  ];
  const T = { link: 0.98, review: 0.5 };

  it('counts padded bigrams', () => {
    expect([...charGrams('恒泰')]).toEqual(['^恒', '恒泰', '泰$']);
    expect(gramJaccard('恒泰化工', '恒泰化工')).toBe(1);
    // one substitution in 4 characters: 5 bigrams each, 3 shared → 3 / 7
    expect(gramJaccard('恒泰化工', '恒达化工')).toBeCloseTo(3 / 7, 6);
  });

  it('links a name that differs only in forms the standardiser folds, and says why', () => {
    for (const name of ['济南市恒泰化工有限责任公司', '恒泰化工有限公司', '济南恒泰化工有限公司', '山东省济南市恒泰化工有限公司']) {
      const scored = scoreCandidates({ name }, block, s);
      expect(scored[0].creditCode).toBe('A');
      expect(scored[0].reasons.map((r) => r.factor)).toContain('NAME_EXACT');
      expect(decide(scored, T)).toMatchObject({ outcome: 'LINK', creditCode: 'A' });
    }
  });

  it('sends a typo to the review queue, with the address raising the right candidate', () => {
    const scored = scoreCandidates({ name: '济南恒秦化工有限公司', address: '济南市历城区工业路12号' }, block, s);
    expect(scored[0].creditCode).toBe('A');
    expect(scored[0].probability).toBeGreaterThan(scored[1].probability);
    expect(scored[0].reasons.find((r) => r.factor === 'ADDRESS')!.detail).toMatch(/address bigram Jaccard 1/);
    expect(decide(scored, T).outcome).toBe('REVIEW');
  });

  it('matches a former name recorded by the permit system', () => {
    const scored = scoreCandidates({ name: '济南新宇砖厂' }, block, s);
    expect(scored[0]).toMatchObject({ creditCode: 'D' });
    expect(scored[0].reasons.map((r) => r.factor)).toContain('FORMER_NAME');
    expect(decide(scored, T).outcome).toBe('LINK');
  });

  it('lowers the score when the legal forms conflict', () => {
    const [same] = scoreCandidates({ name: '历城华信热电股份有限公司' }, block, s);
    const [conflict] = scoreCandidates({ name: '历城华信热电有限公司' }, block, s);
    expect(conflict.creditCode).toBe('C');
    expect(conflict.probability).toBeLessThan(same.probability);
    expect(conflict.reasons.find((r) => r.factor === 'LEGAL_FORM')!.detail).toMatch(/JOINT_STOCK/);
  });

  it('quarantines a name nothing in the block resembles, keeping the best candidates', () => {
    const d = decide(scoreCandidates({ name: '烟台海洋食品有限公司' }, block, s), T);
    expect(d.outcome).toBe('QUARANTINE');
    expect(d.candidates).toHaveLength(4);
    expect(decide([], T)).toMatchObject({ outcome: 'QUARANTINE', why: 'no enterprise in the block' });
  });

  it('queues instead of linking when two candidates are plausible', () => {
    const twins = [
      { creditCode: 'X', name: '济南恒泰化工有限公司' },
      { creditCode: 'Y', name: '济南市恒泰化工有限责任公司' },
    ];
    const d = decide(scoreCandidates({ name: '恒泰化工有限公司' }, twins, s), T);
    expect(d).toMatchObject({ outcome: 'REVIEW' });
    expect(d.outcome === 'REVIEW' && d.why).toMatch(/runner-up/);
    expect(() => decide([], { link: 0.5, review: 0.9 })).toThrow(/must not exceed/);
  });
});
