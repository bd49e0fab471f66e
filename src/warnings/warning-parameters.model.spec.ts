import { DEFAULT_WARNING_PARAMETERS_VERSION, readBundledWarningParameters, validateWarningParameters } from './warning-parameters.model';

describe('warning parameter sets (zod schema)', () => {
  const shipped = readBundledWarningParameters();

  it('accepts the shipped sets as they are', () => {
    expect(shipped.version).toBe(DEFAULT_WARNING_PARAMETERS_VERSION);
    const older = readBundledWarningParameters('SD-WARN-2021');
    expect(older.detectors.REALTIME_EXCEED).toBeUndefined();
    expect(validateWarningParameters(JSON.parse(JSON.stringify(shipped)))).toEqual(shipped);
  });

  it('names the field path of every problem', () => {
    const { detectors } = shipped;
    expect(() =>
      validateWarningParameters({
        version: 'BAD 1',
        title: 7,
        detectors: { ...detectors, NOPE: {}, RISK_UP: { ...detectors.RISK_UP, minutes: 3 }, SCORE_DROP: { severity: 'URGENT', points: 1.5 }, DATA_GAP: 3 },
      }),
    ).toThrow(
      'invalid warning parameters: ' +
        [
          'version must be 1–64 letters, digits, ".", "_" or "-"',
          'title must be a string',
          'detectors.RISK_UP.minutes is not a parameter of RISK_UP',
          'detectors.SCORE_DROP.severity must be one of LOW, MEDIUM, HIGH',
          'detectors.SCORE_DROP.points must be an integer from 1 to 1000',
          'detectors.SCORE_DROP.windowDays must be an integer from 1 to 3650',
          'detectors.SCORE_DROP.escalateAtPoints must be an integer from 1 to 10000',
          'detectors.DATA_GAP must be an object',
          'detectors.NOPE is not a warning type (RISK_UP, SCORE_DROP, EXCEED_TREND, DATA_GAP, PERMIT_EXPIRING, FORECAST_HIGH, REALTIME_EXCEED)',
        ].join('; '),
    );
  });

  it('requires every type but the optional ones, and a number only where it is not optional', () => {
    const { RISK_UP: _gone, ...rest } = shipped.detectors;
    expect(() => validateWarningParameters({ version: 'A', detectors: rest })).toThrow('invalid warning parameters: detectors.RISK_UP is required');
    const { REALTIME_EXCEED: _optional, ...withoutRealtime } = shipped.detectors;
    expect(validateWarningParameters({ version: 'A', detectors: withoutRealtime }).detectors.REALTIME_EXCEED).toBeUndefined();
    const { silentHours: _silent, ...gap } = shipped.detectors.DATA_GAP;
    expect(validateWarningParameters({ version: 'A', detectors: { ...shipped.detectors, DATA_GAP: gap } }).detectors.DATA_GAP.silentHours).toBeUndefined();
    expect(() =>
      validateWarningParameters({ version: 'A', detectors: { ...shipped.detectors, EXCEED_TREND: { ...shipped.detectors.EXCEED_TREND, growthFactor: '2' } } }),
    ).toThrow('detectors.EXCEED_TREND.growthFactor must be a number from 0 to 100');
    expect(() => validateWarningParameters('x')).toThrow('invalid warning parameters: a warning parameter set must be a JSON object');
  });
});
