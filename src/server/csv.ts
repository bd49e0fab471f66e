/** Text a spreadsheet would run as a formula: starts with `=`, `+`, `-`, `@`, tab or CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text made inert for spreadsheets: a cell that would start a formula gets a
 * leading apostrophe, which spreadsheet tools show as text. Numbers are
 * written as they are (a negative score is a number, not a formula).
 */
export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/**
 * One CSV field per RFC 4180: quoted when it holds a quote, comma, CR or LF;
 * quotes doubled. Text that would run as a spreadsheet formula is neutralised
 * ({@link neutraliseFormula}); every CSV the hub writes goes through here.
 */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString() : typeof v === 'number' || typeof v === 'bigint' ? String(v) : neutraliseFormula(String(v));
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record terminated by CRLF (RFC 4180). */
export function csvRecord(values: readonly unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/** The UTF-8 byte order mark, so spreadsheet tools read Chinese text as UTF-8. */
export const UTF8_BOM = '\uFEFF';
