/**
 * Organisation code (组织机构代码, GB 11714) and the identifiers derived from it.
 *
 * 9 characters: 8 body characters (digits and capital letters) and a check
 * character. With values v1..v8 (`0`–`9` = 0–9, `A`–`Z` = 10–35) and weights
 * `3 7 9 10 5 8 4 2`, `c = 11 − (Σ vi·wi mod 11)`; `c = 10` is written `X`,
 * `c = 11` is `0`. Positions 9–17 of a unified social credit code are the
 * enterprise's organisation code with its check character.
 */
import { isValidCreditCode } from '../domain/credit-code';

/** The GB 11714 weights of the 8 body characters. */
export const ORG_CODE_WEIGHTS: readonly number[] = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 value of one body character: `0`–`9` → 0–9, `A`–`Z` → 10–35; undefined otherwise. */
export function orgCodeCharValue(ch: string): number | undefined {
  if (ch.length !== 1) return undefined;
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 90) return c - 55;
  return undefined;
}

/** The check character of 8 body characters (`0`–`9` or `X`). */
export function orgCodeCheckChar(body: string): string {
  if (body.length !== 8) throw new Error(`an organisation code body has 8 characters, got ${body.length}`);
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = orgCodeCharValue(body[i]);
    if (v === undefined) throw new Error(`character '${body[i]}' at position ${i + 1} is not a digit or capital letter`);
    sum += v * ORG_CODE_WEIGHTS[i];
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * The organisation code as sources write it, folded to its 9 characters: full-width
 * forms folded, spaces and the customary hyphen before the check character removed,
 * letters upper-cased (`12345678-9` → `123456789`).
 */
export function normaliseOrgCode(raw: string): string {
  return foldWidth(raw).replace(/[\s-]/g, '').toUpperCase();
}

/** Why `code` (already normalised) is not a valid organisation code, or null when it is. */
export function orgCodeProblem(code: string): string | null {
  if (code.length !== 9) return `organisation code '${code}' must have 9 characters, has ${code.length}`;
  for (let i = 0; i < 8; i++) {
    if (orgCodeCharValue(code[i]) === undefined) return `organisation code '${code}' has '${code[i]}' at position ${i + 1}, not a digit or capital letter`;
  }
  const expected = orgCodeCheckChar(code.slice(0, 8));
  if (code[8] !== expected) return `organisation code '${code}' fails the check character: expected '${expected}', got '${code[8]}'`;
  return null;
}

/** True when `code` (already normalised) is a valid organisation code. */
export function isValidOrgCode(code: string): boolean {
  return orgCodeProblem(code) === null;
}

/** Completes 8 body characters with their check character. */
export function withOrgCheckChar(body: string): string {
  return body + orgCodeCheckChar(body);
}

/** The organisation code a unified social credit code embeds (its positions 9–17). */
export function orgCodeOfCreditCode(creditCode: string): string {
  return creditCode.slice(8, 17);
}

/** Why `permitNo` (HJ 608-2017: a USCC, a 3-digit sequence and a letter) names no enterprise, or null. */
export function permitNoProblem(permitNo: string): string | null {
  const p = foldWidth(permitNo).replace(/\s/g, '').toUpperCase();
  if (!/^[0-9A-Z]{18}\d{3}[A-Z]$/.test(p)) return `permit number '${permitNo}' is not 18 code characters, a 3-digit sequence and a letter`;
  if (!isValidCreditCode(p.slice(0, 18))) return `permit number '${permitNo}' does not begin with a valid credit code`;
  return null;
}

/** The unified social credit code a permit number begins with, or null when it does not begin with a valid one. */
export function creditCodeOfPermitNo(permitNo: string): string | null {
  if (permitNoProblem(permitNo) !== null) return null;
  return foldWidth(permitNo).replace(/\s/g, '').toUpperCase().slice(0, 18);
}

/** Folds full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space to their half-width forms. */
export function foldWidth(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}
