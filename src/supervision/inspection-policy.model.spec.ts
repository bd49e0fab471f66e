import fs from 'node:fs';
import path from 'node:path';
import { validateInspectionPolicy } from './inspection-policy.model';

describe('inspection policy (zod schema)', () => {
  const raw = JSON.parse(fs.readFileSync(path.join(__dirname, 'policies', 'SD-INSPECT-2021.json'), 'utf8'));

  it('normalises the shipped policy: classes most demanding first, levels sorted', () => {
    const p = validateInspectionPolicy(raw);
    expect(p.classes.map((c) => [c.code, c.sharePercent])).toEqual([
      ['A', 100],
      ['B', 25],
      ['C', 5],
      ['D', 0],
    ]);
    expect(p.classes[0].creditLevels).toEqual(['black', 'red']);
    expect(
      validateInspectionPolicy({ ...raw, title: undefined, classes: raw.classes.map(({ label: _l, ...c }: { label: string }) => c) }).classes[0].label,
    ).toBe('A');
  });

  it('names the field path of every problem', () => {
    const bad = structuredClone(raw);
    bad.classes[1].sharePercent = 101;
    bad.classes[2].code = 'A';
    bad.classes[3].riskLevels = ['SEVERE'];
    bad.annualCap = 'x';
    expect(() => validateInspectionPolicy(bad)).toThrow(
      [
        'classes[1].sharePercent must be an integer in [0, 100]',
        'classes[3].riskLevels[0] is not a risk level (LOW, MEDIUM, HIGH): "SEVERE"',
        'classes[2].code A appears twice',
        'annualCap must be an integer in [0, 366]',
      ].join('; '),
    );
    expect(() => validateInspectionPolicy([])).toThrow('a policy is a JSON object');
    expect(() => validateInspectionPolicy({ ...raw, version: 'a b', classes: [], inspectorsPerItem: 0 })).toThrow(
      'version must be a short name of letters, digits, . _ -; classes must be a non-empty array; inspectorsPerItem must be an integer in [1, 10]',
    );
  });
});
