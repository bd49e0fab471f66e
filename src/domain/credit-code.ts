/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015).
 *
 * 18 characters over a 31-symbol alphabet (no I, O, S, V, Z). The 18th character
 * is a check character computed from the first 17; characters 3–8 are the
 * administrative division code of the registering authority.
 */

/** The 31 symbols of the code, in value order. */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

const VALUE = new Map<string, number>([...CREDIT_CODE_ALPHABET].map((ch, i) => [ch, i]));

/** Computes the check character for the first 17 characters of a code. */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new Error(`expected 17 characters, got ${first17.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = VALUE.get(first17[i]);
    if (v === undefined) throw new Error(`character '${first17[i]}' at position ${i + 1} is not in the credit code alphabet`);
    sum += v * WEIGHTS[i];
  }
  const c = 31 - (sum % 31);
  return CREDIT_CODE_ALPHABET[c === 31 ? 0 : c];
}

/**
 * Explains why a string is not a valid unified social credit code, or returns
 * null when it is valid. The message is meant for quarantine reasons and API errors.
 */
export function creditCodeProblem(code: unknown): string | null {
  if (typeof code !== 'string') return `credit code must be a string, got ${code === null ? 'null' : typeof code}`;
  if (code.length !== 18) return `credit code '${code}' must have 18 characters, has ${code.length}`;
  for (let i = 0; i < 18; i++) {
    if (!VALUE.has(code[i])) return `credit code '${code}' has '${code[i]}' at position ${i + 1}, not in the alphabet ${CREDIT_CODE_ALPHABET}`;
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (code[17] !== expected) return `credit code '${code}' fails the check character: expected '${expected}', got '${code[17]}'`;
  return null;
}

/** True when `code` is a well-formed unified social credit code with a correct check character. */
export function isValidCreditCode(code: unknown): code is string {
  return creditCodeProblem(code) === null;
}

/** Completes 17 characters with their check character. */
export function withCheckChar(first17: string): string {
  return first17 + creditCodeCheckChar(first17);
}
