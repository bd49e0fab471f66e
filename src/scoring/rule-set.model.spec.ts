import { riskOf } from '../domain/risk-band';
import { readBundledRuleSet, validateRuleSet } from './rule-set.model';

describe('rule sets', () => {
  const sd = readBundledRuleSet();

  it('ships SD-2021 with the fifteen rules of domain.md §3, window 1095, thresholds 85/60', () => {
    expect(sd).toMatchObject({ version: 'SD-2021', fullMarks: 100, windowDays: 1095, riskThresholds: { low: 85, medium: 60 } });
    expect(Object.fromEntries(sd.rules.map((r) => [r.code, r.points]))).toEqual({
      ENF_SUSPEND: 24,
      ENF_SEAL: 20,
      ENF_RESTRICT: 12,
      ENF_CORRECT: 4,
      ENF_DETENTION: 30,
      ENF_CRIME: 40,
      NO_PERMIT: 30,
      INSP_VIOLATION: 6,
      PEN_SMALL: 6,
      PEN_MEDIUM: 12,
      PEN_LARGE: 18,
      PEN_DAILY: 24,
      MON_EXCEED: 2,
      MON_MISSING: 1,
      PERMIT_EXPIRED: 10,
    });
    expect(sd.rules.find((r) => r.code === 'PEN_MEDIUM')!.trigger).toMatchObject({
      amountFrom: 100000,
      amountBelow: 1000000,
      statuses: ['DECIDED', 'EXECUTED'],
    });
    expect(sd.rules.find((r) => r.code === 'PERMIT_EXPIRED')!.trigger.ignoresWindow).toBe(true);
  });

  it('maps scores to risk levels at the band edges', () => {
    expect([85, 84, 60, 59, -134].map((s) => riskOf(s, sd.riskThresholds))).toEqual(['LOW', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH']);
  });

  it('lists every problem of a bad definition', () => {
    const bad = {
      ...sd,
      version: 'x y',
      windowDays: 0,
      riskThresholds: { low: 50, medium: 60 },
      rules: [...sd.rules, { code: 'ENF_SEAL', points: -1, description: '', trigger: { family: 'PENALTY', statuses: ['PAID'], minExceedHours: 2 } }],
    };
    expect(() => validateRuleSet(bad)).toThrow(
      /version must be.*windowDays must be.*riskThresholds\.medium \(60\) must not exceed.*ENF_SEAL\)\.code is used twice.*points must be.*description is required.*minExceedHours does not apply.*unknown value\(s\) PAID/,
    );
  });
});
