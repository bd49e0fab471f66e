import { withCheckChar } from '../domain/credit-code';
import { generateProvince } from '../../simulator/province.generator';
import {
  creditCodeOfPermitNo,
  isValidOrgCode,
  normaliseOrgCode,
  orgCodeCheckChar,
  orgCodeOfCreditCode,
  orgCodeProblem,
  permitNoProblem,
  withOrgCheckChar,
} from './org-code';

describe('organisation code (GB 11714)', () => {
  it('computes check characters worked by hand from the formula', () => {
    // Σ = 0 → c = 11 → '0'
    expect(orgCodeCheckChar('00000000')).toBe('0');
    // '1' at weight 3: Σ = 3 → c = 8
    expect(orgCodeCheckChar('10000000')).toBe('8');
    // '1' at weight 7: Σ = 7 → c = 4
    expect(orgCodeCheckChar('01000000')).toBe('4');
    // '4' at weight 3: Σ = 12, 12 mod 11 = 1 → c = 10 → 'X'
    expect(orgCodeCheckChar('40000000')).toBe('X');
    // 'A' = 10 at weight 3: Σ = 30, 30 mod 11 = 8 → c = 3
    expect(orgCodeCheckChar('A0000000')).toBe('3');
    // D2143569: 13·3 + 2·7 + 1·9 + 4·10 + 3·5 + 5·8 + 6·4 + 9·2 = 199, 199 mod 11 = 1 → 'X'
    expect(orgCodeCheckChar('D2143569')).toBe('X');
    // 'Z' = 35 at weight 2: Σ = 70, 70 mod 11 = 4 → c = 7
    expect(orgCodeCheckChar('0000000Z')).toBe('7');
  });

  it('validates and names the problem of bad codes', () => {
    expect(isValidOrgCode('D2143569X')).toBe(true);
    expect(orgCodeProblem('D21435691')).toMatch(/expected 'X', got '1'/);
    expect(orgCodeProblem('D2143569')).toMatch(/9 characters/);
    expect(orgCodeProblem('d2143569X')).toMatch(/'d' at position 1/);
  });

  it('normalises the written forms: hyphen, full width, lower case', () => {
    expect(normaliseOrgCode('D2143569-X')).toBe('D2143569X');
    expect(normaliseOrgCode('ｄ２１４３５６９－ｘ')).toBe('D2143569X');
    expect(normaliseOrgCode(' d2143569 x ')).toBe('D2143569X');
  });

  it('finds the organisation code at positions 9–17 of a credit code', () => {
    const org = withOrgCheckChar('MA3C4R5X');
    const uscc = withCheckChar(`913701 02${org}`.replace(' ', ''));
    expect(orgCodeOfCreditCode(uscc)).toBe(org);
    expect(isValidOrgCode(orgCodeOfCreditCode(uscc))).toBe(true);
  });

  it('every credit code the simulator generates embeds a valid organisation code', () => {
    const p = generateProvince({ enterprises: 3000, seed: 7, today: '2026-11-15' });
    const bad = p.permit.map((e) => e.creditCode).filter((c) => !isValidOrgCode(orgCodeOfCreditCode(c)));
    expect(p.permit.length).toBe(3000);
    expect(bad).toEqual([]);
  });
});

describe('permit number (HJ 608-2017)', () => {
  const uscc = withCheckChar('91370102MA3C4R5X2');

  it('gives its first 18 characters as the credit code when they are valid', () => {
    expect(creditCodeOfPermitNo(`${uscc}001P`)).toBe(uscc);
    expect(creditCodeOfPermitNo(` ${uscc}002v `.replace('v', 'V'))).toBe(uscc);
  });

  it('refuses a prefix with a wrong check character or a malformed tail', () => {
    const wrong = uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0');
    expect(creditCodeOfPermitNo(`${wrong}001P`)).toBeNull();
    expect(permitNoProblem(`${wrong}001P`)).toMatch(/valid credit code/);
    expect(creditCodeOfPermitNo(`${uscc}01P`)).toBeNull();
    expect(permitNoProblem(`${uscc}0011`)).toMatch(/3-digit sequence and a letter/);
  });
});
