import { bindingFile, outletMn, provinceDaus } from './dau-devices';
import { generateProvince } from '../province.generator';

describe('DAUs of the generated province', () => {
  it('gives every monitored outlet of hub sim one DAU with a stable 24-character MN', () => {
    const daus = provinceDaus({ enterprises: 120, seed: 11, today: '2026-11-30' });
    const province = generateProvince({ enterprises: 120, seed: 11, today: '2026-11-30', monitoringDays: 1 });
    const outlets = new Set(province.monitoring.channels.map((c) => `${c.creditCode}:${c.outletCode}`));
    expect(daus.length).toBe(outlets.size);
    expect(new Set(daus.map((d) => d.mn)).size).toBe(daus.length);
    for (const d of daus) {
      expect(d.mn).toMatch(/^[0-9A-Z]{24}$/);
      expect(d.mn).toBe(outletMn(d.creditCode, d.outletCode));
      expect(d.password).toMatch(/^\d{6}$/);
      expect(d.limits.length).toBeGreaterThan(0);
    }
    expect(provinceDaus({ enterprises: 120, seed: 11, today: '2026-11-30' })).toEqual(daus);
  });

  it('writes the binding file hub devices bind reads', () => {
    const daus = provinceDaus({ enterprises: 30, seed: 3, limit: 2 });
    const file = JSON.parse(bindingFile(daus));
    expect(file).toHaveLength(2);
    expect(Object.keys(file[0]).sort()).toEqual(['creditCode', 'limits', 'mn', 'outletCode', 'password']);
    expect(file[0].limits[0]).toEqual({ pollutantCode: expect.any(String), limit: expect.any(Number), unit: expect.any(String) });
  });
});
