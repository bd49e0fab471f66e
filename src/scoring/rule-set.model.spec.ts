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
      'invalid rule set: ' +
        [
          'version must be 1–64 letters, digits, ".", "_" or "-"',
          'windowDays must be a positive integer',
          'riskThresholds.medium (60) must not exceed riskThresholds.low (50)',
          'rules[15].points must be a non-negative integer',
          'rules[15].description is required',
          'rules[15].trigger.statuses has unknown value(s) PAID (allowed: FILED, DECIDED, EXECUTED, REVOKED)',
          'rules[15].trigger.minExceedHours does not apply to family PENALTY',
          'rules[15].code ENF_SEAL is used twice',
        ].join('; '),
    );
  });

  it('names the field path of every problem (zod schema)', () => {
    const rule = sd.rules[0];
    expect(() => validateRuleSet({ ...sd, rules: [{ ...rule, points: 'six' }] })).toThrow('invalid rule set: rules[0].points must be a non-negative integer');
    expect(() => validateRuleSet({ ...sd, rules: [rule, { ...rule, code: 'X_1', trigger: { family: 'NOPE' } }] })).toThrow(
      'invalid rule set: rules[1].trigger.family must be one of ENFORCEMENT, PENALTY, MONITORING_EXCEED, MONITORING_MISSING, PERMIT_EXPIRED',
    );
    expect(() =>
      validateRuleSet({ ...sd, rules: [{ ...rule, trigger: { family: 'PENALTY', statuses: ['DECIDED'], amountFrom: 5, amountBelow: 2 } }] }),
    ).toThrow('invalid rule set: rules[0].trigger.amountFrom must be below amountBelow');
    expect(() => validateRuleSet({ ...sd, rules: [{ ...rule, trigger: { family: 'MONITORING_EXCEED', minExceedHours: 25 } }] })).toThrow(
      'invalid rule set: rules[0].trigger.minExceedHours must be an integer 1–24',
    );
    expect(() => validateRuleSet({ ...sd, rules: [{ ...rule, trigger: { family: 'ENFORCEMENT', statuses: ['DECIDED'] } }] })).toThrow(
      'invalid rule set: rules[0].trigger.statuses has unknown value(s) DECIDED (allowed: ACTIVE, WITHDRAWN); rules[0].trigger needs measureTypes or findings',
    );
    expect(() => validateRuleSet([])).toThrow('invalid rule set: a rule set must be a JSON object');
    expect(() => validateRuleSet({ version: 'X-1', rules: 'none' })).toThrow(
      'invalid rule set: fullMarks must be a positive integer; windowDays must be a positive integer; riskThresholds must be {low, medium} integers; rules must be a non-empty array',
    );
  });

  it('returns the document as given (keys it does not know kept), so a stored version compares equal', () => {
    const withNote = { ...sd, note: 'kept' };
    expect(validateRuleSet(JSON.parse(JSON.stringify(withNote)))).toEqual(withNote);
  });
});
