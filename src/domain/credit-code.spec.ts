import { creditCodeCheckChar, creditCodeProblem, isValidCreditCode, withCheckChar } from './credit-code';

describe('credit code', () => {
  it('accepts a code whose check character matches the GB 32100 weights', () => {
    const code = withCheckChar('91370102MA3C4R5X2');
    expect(isValidCreditCode(code)).toBe(true);
    expect(code).toHaveLength(18);
  });

  it('maps a remainder of 0 to the symbol 0', () => {
    // 17 zeros: sum 0, c = 31 -> '0'
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
  });

  it('computes a known value by hand', () => {
    // '1' followed by 16 zeros: sum = 1*1 = 1, c = 30 -> 'Y'
    expect(creditCodeCheckChar('10000000000000000')).toBe('Y');
    // position 2 weight 3: '01' -> sum 3, c = 28 -> 'W'
    expect(creditCodeCheckChar('01000000000000000')).toBe('W');
  });

  it('names the problem of a bad code', () => {
    const good = withCheckChar('91370102MA3C4R5X2');
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    expect(creditCodeProblem(bad)).toMatch(/fails the check character: expected/);
    expect(creditCodeProblem('9137')).toMatch(/18 characters/);
    expect(creditCodeProblem('91370102MA3C4R5XIB')).toMatch(/'I' at position 17/);
    expect(creditCodeProblem(42)).toMatch(/must be a string/);
  });
});
