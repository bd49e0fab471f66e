/** The hub's division list (`data/divisions-shandong.csv`) as {@link DivisionNames}, for the unit specs (no database). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DivisionNames } from './name-standardiser';

export function shandongDivisionNames(): DivisionNames {
  const rows = readFileSync(join(__dirname, '..', '..', 'data', 'divisions-shandong.csv'), 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => {
      const [code, name, , parentCode] = l.split(',');
      return { code, name, parentCode: parentCode || null };
    });
  return { children: (parent) => rows.filter((r) => r.parentCode === parent) };
}
