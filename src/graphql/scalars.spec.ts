import { DateTimeScalar } from './scalars';

describe('DateTime scalar', () => {
  it('answers with the ISO text JSON.stringify would have made of the Date', () => {
    const at = new Date(Date.UTC(2026, 10, 30, 8, 5, 7, 42));
    const out = DateTimeScalar.serialize(at);
    expect(out).toBe('2026-11-30T08:05:07.042Z');
    expect(JSON.stringify({ at: out })).toBe(JSON.stringify({ at }));
  });

  it('gives an instant sent with an offset in UTC, and refuses what is not an instant', () => {
    expect(DateTimeScalar.serialize('2026-11-30T16:05:07+08:00')).toBe('2026-11-30T08:05:07.000Z');
    expect(() => DateTimeScalar.serialize(new Date(Number.NaN))).toThrow('invalid Date');
    expect(() => DateTimeScalar.serialize('yesterday')).toThrow('invalid date-time-string');
  });

  it('parses as graphql-scalars does: a Date from an ISO text', () => {
    expect(DateTimeScalar.parseValue('2026-11-30T08:05:07Z')).toEqual(new Date(Date.UTC(2026, 10, 30, 8, 5, 7)));
    expect(DateTimeScalar.name).toBe('DateTime');
  });
});
