import { NameStandardiser } from './name-standardiser';
import { shandongDivisionNames } from './resolution-test.fixtures';

describe('NameStandardiser', () => {
  const s = new NameStandardiser(shandongDivisionNames());
  const core = (n: string) => s.standardise(n).core;

  it('folds full-width forms and brackets', () => {
    expect(NameStandardiser.fold('济南ＡＢＣ（集团）有限公司　')).toBe('济南ABC(集团)有限公司');
    expect(s.standardise('济南恒泰化工（集团）有限公司').folded).toBe(s.standardise('济南恒泰化工(集团)有限公司').folded);
  });

  it('reads the legal-form suffix: 有限公司 and 有限责任公司 are one form, 股份有限公司 and 分公司 others', () => {
    expect(s.standardise('历城恒泰化工有限公司')).toMatchObject({ core: '历城恒泰化工', form: 'LIMITED' });
    expect(s.standardise('历城恒泰化工有限责任公司')).toMatchObject({ core: '历城恒泰化工', form: 'LIMITED' });
    expect(s.standardise('历城恒泰化工股份有限公司')).toMatchObject({ core: '历城恒泰化工', form: 'JOINT_STOCK' });
    expect(s.standardise('历城恒泰化工分公司')).toMatchObject({ core: '历城恒泰化工', form: 'BRANCH' });
    expect(s.standardise('历城恒泰化工厂')).toMatchObject({ core: '历城恒泰化工厂', form: null });
  });

  it('takes a leading province or city name from the division list as optional', () => {
    expect(core('济南市恒泰化工有限公司')).toBe('恒泰化工');
    expect(core('济南恒泰化工有限公司')).toBe('恒泰化工');
    expect(core('山东省济南市恒泰化工有限公司')).toBe('恒泰化工');
    expect(s.standardise('山东省青岛市恒泰化工有限公司').leading).toEqual(['山东省', '青岛市']);
    // a county name is part of the name, not an optional prefix
    expect(core('济南市历城恒泰化工有限公司')).toBe('历城恒泰化工');
    // a name that would be nothing but the region keeps it
    expect(core('济南市有限公司')).toBe('济南市');
  });

  it('uses whatever divisions it is given, not a fixed list', () => {
    const other = new NameStandardiser({
      children: (p) => (p === null ? [{ code: '1', name: '河北省' }] : p === '1' ? [{ code: '2', name: '石家庄市' }] : []),
    });
    expect(other.standardise('石家庄恒泰化工有限公司').core).toBe('恒泰化工');
    expect(other.standardise('济南恒泰化工有限公司').core).toBe('济南恒泰化工');
  });

  it('drops bracketed notes from the core and reads a former name from them', () => {
    const name = '淄博恒泰化工有限公司(原"淄博恒泰化工厂",已更名)';
    expect(core(name)).toBe('恒泰化工');
    expect(s.formerNames(name).map((f) => f.core)).toEqual(['恒泰化工厂']);
  });

  it('strips province and city from an address', () => {
    expect(s.standardiseAddress('山东省济南市历城区工业路 12 号')).toBe('历城区工业路12号');
  });
});

describe('name keys', () => {
  const s = new NameStandardiser(shandongDivisionNames());
  const shares = (a: string, b: string) => s.nameKeys(a).some((k) => s.nameKeys(b).includes(k));

  it('gives names one typing slip apart a key in common, whatever the slip', () => {
    const name = '济南恒泰化工有限公司';
    expect(shares(name, '济南恒秦化工有限公司')).toBe(true); // substitution
    expect(shares(name, '济南恒泰泰化工有限公司')).toBe(true); // insertion
    expect(shares(name, '济南恒化工有限公司')).toBe(true); // deletion
    expect(shares(name, '济南泰恒化工有限公司')).toBe(true); // swap of neighbours
    expect(shares(name, '山东省济南市恒泰化工有限责任公司')).toBe(true); // same core
    expect(shares(name, '济南华信热电有限公司')).toBe(false);
    expect(shares(name, '济南恒秦化二有限公司')).toBe(false); // two slips
  });

  it('keys former names recorded by the permit system, and no deletions of short cores', () => {
    expect(shares('济南新宇建材有限公司(原"济南新宇砖厂",已更名)', '济南新宇砖厂')).toBe(true);
    expect(s.nameKeys('济南华信有限公司')).toEqual(['华信']);
  });
});
