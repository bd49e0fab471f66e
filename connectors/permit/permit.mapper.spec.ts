import fs from 'node:fs';
import path from 'node:path';
import { MappingError } from '../../src/connectors/connector.types';
import { validateRecord } from '../../src/ingest/record-validator';
import { mapPermitRecord } from './permit.mapper';

const page = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'enterprises-page-1.json'), 'utf8'));
const ctx = { divisionCodes: new Set(page.items.map((i: { divisionCode: string }) => i.divisionCode)) };

describe('permit mapper', () => {
  it('maps every recorded record to a valid enterprise record keyed by credit code', () => {
    for (const native of page.items) {
      const rec = mapPermitRecord(native);
      expect(rec.kind).toBe('enterprise');
      expect(rec.sourceId).toBe(native.creditCode);
      expect(rec.data.permits).toEqual(native.permits);
      expect(validateRecord(rec, ctx as never)).toEqual([]);
    }
  });

  it('is pure: the same input maps to the same output and is not modified', () => {
    const native = JSON.parse(JSON.stringify(page.items[0]));
    const a = mapPermitRecord(native);
    const b = mapPermitRecord(native);
    expect(a).toEqual(b);
    expect(native).toEqual(page.items[0]);
  });

  it('refuses what is not an object, and lets validation name a wrong field', () => {
    expect(() => mapPermitRecord('x')).toThrow(MappingError);
    expect(() => mapPermitRecord(null)).toThrow(/not a JSON object/);
    const rec = mapPermitRecord({ ...page.items[0], supervisionLevel: 'VERY_KEY', pollutionTypes: 'AIR' });
    const problems = validateRecord(rec, ctx as never);
    expect(problems.join('; ')).toMatch(/supervisionLevel' must be one of/);
    expect(problems.join('; ')).toMatch(/pollutionTypes' must be a list/);
  });
});
