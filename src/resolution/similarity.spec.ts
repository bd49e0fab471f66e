import { NameStandardiser } from './name-standardiser';
import { shandongDivisionNames } from './resolution-test.fixtures';
import { charGrams, decide, editDistance, gramJaccard, scoreCandidates } from './similarity';

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

  it('sends a typo one slip from two enterprises to the review queue, unless the address tells them apart', () => {
    expect(decide(scoreCandidates({ name: '济南恒秦化工有限公司' }, block, s), T).outcome).toBe('REVIEW');
    const scored = scoreCandidates({ name: '济南恒秦化工有限公司', address: '济南市历城区工业路12号' }, block, s);
    expect(scored[0].creditCode).toBe('A');
    expect(scored[0].probability).toBeGreaterThan(scored[1].probability);
    expect(scored[0].reasons.find((r) => r.factor === 'ADDRESS')!.detail).toMatch(/address bigram Jaccard 1/);
    expect(scored[0].reasons.map((r) => r.factor)).toContain('ADDRESS_EXACT');
    expect(decide(scored, T)).toMatchObject({ outcome: 'LINK', creditCode: 'A' });
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

describe('typo-tolerant similarity', () => {
  const s = new NameStandardiser(shandongDivisionNames());
  const T = { link: 0.99, review: 0.05 };

  it('counts typing slips: substitutions, insertions, deletions, adjacent swaps', () => {
    expect(editDistance('恒泰化工', '恒泰化工')).toBe(0);
    expect(editDistance('恒泰化工', '恒秦化工')).toBe(1);
    expect(editDistance('恒泰化工', '泰恒化工')).toBe(1);
    expect(editDistance('恒泰化工', '恒泰化工厂')).toBe(1);
    expect(editDistance('恒泰化工', '恒化工')).toBe(1);
    expect(editDistance('恒泰化工', '华信热电')).toBe(4);
    expect(editDistance('恒泰化工', '华信热电', 1)).toBe(2);
  });

  it('links a name one slip from exactly one enterprise of the block, and queues it when two are', () => {
    const block = [
      { creditCode: 'A', name: '历城恒泰化工有限公司', divisionCode: '370112' },
      { creditCode: 'B', name: '历城宏达建材有限公司', divisionCode: '370112' },
    ];
    const scored = scoreCandidates({ name: '历城恒秦化工有限公司' }, block, s);
    expect(scored[0].reasons.map((r) => r.factor)).toContain('NAME_ONE_EDIT');
    expect(decide(scored, T)).toMatchObject({ outcome: 'LINK', creditCode: 'A' });
    const twins = [...block, { creditCode: 'C', name: '历城恒春化工有限公司', divisionCode: '370112' }];
    const d = decide(scoreCandidates({ name: '历城恒秦化工有限公司' }, twins, s), T);
    expect(d).toMatchObject({ outcome: 'REVIEW' });
    expect(d.outcome === 'REVIEW' && d.why).toMatch(/below the margin/);
  });

  it('prefers an exact name over a neighbour one slip away (the margin)', () => {
    const block = [
      { creditCode: 'A', name: '历城恒泰化工有限公司', divisionCode: '370112' },
      { creditCode: 'C', name: '历城恒春化工有限公司', divisionCode: '370112' },
    ];
    expect(decide(scoreCandidates({ name: '历城恒泰化工有限责任公司' }, block, s), T)).toMatchObject({ outcome: 'LINK', creditCode: 'A' });
    expect(decide(scoreCandidates({ name: '历城恒泰化工有限责任公司' }, block, s), { ...T, margin: 20 }).outcome).toBe('REVIEW');
  });

  it('takes a leading city name as optional, but not one that names another city', () => {
    const block = [{ creditCode: 'W', name: '潍坊鲁金皮革有限公司', divisionCode: '370702' }];
    const same = scoreCandidates({ name: '潍坊市鲁金皮革有限公司' }, block, s);
    expect(decide(same, T)).toMatchObject({ outcome: 'LINK', creditCode: 'W' });
    const other = scoreCandidates({ name: '济宁鲁金皮革有限公司' }, block, s);
    expect(other[0].reasons.find((r) => r.factor === 'PLACE')!.detail).toMatch(/济宁.*370800.*370700/);
    // An otherwise exact name in another city is a steward's call, never an automatic link.
    expect(decide(other, T).outcome).toBe('REVIEW');
    // Without a county, the enterprise's own leading name says where it is.
    const unplaced = scoreCandidates({ name: '济宁鲁金皮革有限公司' }, [{ creditCode: 'W', name: '潍坊鲁金皮革有限公司' }], s);
    expect(unplaced[0].reasons.map((r) => r.factor)).toContain('PLACE');
  });
});
