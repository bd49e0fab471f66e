import { withCheckChar } from '../domain/credit-code';
import { KeyRegister, resolveByKeys } from './key-resolution';
import { orgCodeOfCreditCode, withOrgCheckChar } from './org-code';

describe('resolveByKeys', () => {
  const a = withCheckChar(`91370102${withOrgCheckChar('MA3C4R5X')}`);
  const b = withCheckChar(`91370211${withOrgCheckChar('12345678')}`);
  const reg = new KeyRegister([{ creditCode: a }, { creditCode: b, registrationNo: '370200000012345' }]);

  it('key 1: a valid credit code links as it is', () => {
    expect(resolveByKeys({ creditCode: a, orgCode: orgCodeOfCreditCode(b) }, reg)).toMatchObject({ creditCode: a, key: 'CREDIT_CODE' });
    // full-width and lower case are the same code
    expect(resolveByKeys({ creditCode: a.toLowerCase() }, reg)).toMatchObject({ creditCode: a, key: 'CREDIT_CODE' });
  });

  it('key 2: a valid organisation code links to the credit code that embeds it', () => {
    const org = orgCodeOfCreditCode(b);
    expect(resolveByKeys({ orgCode: `${org.slice(0, 8)}-${org[8]}` }, reg)).toMatchObject({ creditCode: b, key: 'ORG_CODE' });
    // penalty exports put the organisation code in the credit-code column
    expect(resolveByKeys({ creditCode: org }, reg)).toMatchObject({ creditCode: b, key: 'ORG_CODE' });
  });

  it('key 2 refuses an organisation code with a wrong check character, and falls through to the next key', () => {
    const org = orgCodeOfCreditCode(b);
    const wrong = org.slice(0, 8) + (org[8] === '1' ? '2' : '1');
    const r = resolveByKeys({ orgCode: wrong }, reg);
    expect(r).toMatchObject({ creditCode: null });
    expect(r.creditCode === null && r.tried[0]).toMatch(/fails the check character/);
    expect(resolveByKeys({ orgCode: wrong, permitNo: `${a}001P` }, reg)).toMatchObject({ creditCode: a, key: 'PERMIT_NO' });
  });

  it('key 2 does not link an organisation code no enterprise (or several) embeds', () => {
    const lonely = withOrgCheckChar('87654321');
    const r = resolveByKeys({ orgCode: lonely }, reg);
    expect(r.creditCode === null && r.tried).toEqual([`no registered enterprise embeds organisation code ${lonely}`]);
    const twice = new KeyRegister([{ creditCode: b }, { creditCode: withCheckChar(`92370000${orgCodeOfCreditCode(b)}`) }]);
    const t = resolveByKeys({ orgCode: orgCodeOfCreditCode(b) }, twice);
    expect(t.creditCode === null && t.tried[0]).toMatch(/embedded in 2 credit codes/);
  });

  it('key 3: a permit number links to its credit-code prefix', () => {
    expect(resolveByKeys({ creditCode: '', permitNo: `${b}003P` }, reg)).toMatchObject({ creditCode: b, key: 'PERMIT_NO' });
    const bad = `${b.slice(0, 17)}${b[17] === '0' ? '1' : '0'}003P`;
    expect(resolveByKeys({ permitNo: bad }, reg)).toMatchObject({ creditCode: null });
  });

  it('key 4: a registration number known to the permit system', () => {
    expect(resolveByKeys({ registrationNo: '370200000012345' }, reg)).toMatchObject({ creditCode: b, key: 'REGISTRATION_NO' });
    expect(resolveByKeys({ registrationNo: '370200000099999' }, reg)).toMatchObject({ creditCode: null });
  });

  it('tries the keys in order and reports each one that failed', () => {
    const r = resolveByKeys({ creditCode: 'ABC', orgCode: withOrgCheckChar('87654321'), permitNo: 'X', registrationNo: '1' }, reg);
    expect(r.creditCode).toBeNull();
    expect(r.creditCode === null && r.tried).toHaveLength(4);
    expect(resolveByKeys({ creditCode: '  ' }, reg)).toEqual({
      creditCode: null,
      key: null,
      tried: ['the record carries no credit code, organisation code, permit number or registration number'],
    });
  });
});
