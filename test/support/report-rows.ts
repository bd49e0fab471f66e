/**
 * The deductions a public report page lists, as `RULE YYYY-MM-DD`: one per
 * `tr.deduction` row, and one per folded day of each `tr.deduction-group` row
 * (a month of an outlet's monitoring deductions). `rows` counts both kinds of row.
 */
export function reportDeductionRows(html: string): { deductions: string[]; rows: number } {
  const single = [...html.matchAll(/<tr class="deduction" data-rule="([A-Z_]+)"><td class="date">(\d{4}-\d{2}-\d{2})<\/td>/g)].map((m) => `${m[1]} ${m[2]}`);
  const groups = [...html.matchAll(/<tr class="deduction-group" data-rule="([A-Z_]+)" data-month="(\d{4}-\d{2})" data-days="(\d+)">(.*?)<\/tr>/g)];
  const folded = groups.flatMap((m) => [...m[4].matchAll(/<span class="day"[^>]*>(\d{2})/g)].map((d) => `${m[1]} ${m[2]}-${d[1]}`));
  return { deductions: [...single, ...folded], rows: single.length + groups.length };
}
