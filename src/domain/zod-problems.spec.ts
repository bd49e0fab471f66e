import { z } from 'zod';
import { allowedList, boundedInt, fieldName, parseOrThrow, problemsOf, uniqueField } from './zod-problems';

const problems = (schema: z.ZodType, input: unknown) => {
  const r = schema.safeParse(input);
  return r.success ? [] : problemsOf(r.error);
};

describe('zod problems', () => {
  it('names fields by path, array items by index', () => {
    expect(fieldName(['rules', 3, 'points'])).toBe('rules[3].points');
    expect(fieldName([2, 'valueMap'], 'fields')).toBe('fields[2].valueMap');
    expect(
      problems(z.object({ rules: z.array(z.object({ points: z.number({ error: 'expected a number' }) })) }), { rules: [{ points: 1 }, { points: 'x' }] }),
    ).toEqual(['rules[1].points expected a number']);
  });

  it("splits a strict object's unknown keys into one problem per key", () => {
    const strict = z.strictObject({ a: z.number() }, { error: (iss) => (iss.code === 'unrecognized_keys' ? 'is not allowed here' : undefined) });
    expect(problems(z.object({ x: strict }), { x: { a: 1, b: 2, c: 3 } })).toEqual(['x.b is not allowed here', 'x.c is not allowed here']);
    expect(problems(z.strictObject({ a: z.number() }), { a: 1, b: 2 })).toEqual(['b is not a known field']);
  });

  it('reports one problem for a bounded integer, however many bounds fail', () => {
    expect(problems(z.object({ n: boundedInt(1, 10, 'must be an integer 1–10') }), { n: -1.5 })).toEqual(['n must be an integer 1–10']);
    expect(problems(z.object({ n: boundedInt(1, 10, 'must be an integer 1–10') }), {})).toEqual(['n must be an integer 1–10']);
  });

  it('lists unknown values of an allowed list, and says when it is missing', () => {
    const s = z.object({ statuses: allowedList(['A', 'B']) });
    expect(problems(s, { statuses: ['A', 'C', 'D'] })).toEqual(['statuses has unknown value(s) C, D (allowed: A, B)']);
    expect(problems(s, {})).toEqual(['statuses is required']);
    expect(problems(s, { statuses: [] })).toEqual(['statuses must be a non-empty array of strings']);
  });

  it('reports a value used twice even when other items have problems', () => {
    const s = z.array(z.object({ code: z.string(), n: z.number({ error: 'must be a number' }) })).check(uniqueField('code', (c) => `${c} is used twice`));
    expect(
      problems(s, [
        { code: 'A', n: 1 },
        { code: 'A', n: 'x' },
      ]),
    ).toEqual(['[1].n must be a number', '[1].code A is used twice']);
  });

  it('throws the error the caller builds from the problems', () => {
    expect(() => parseOrThrow(z.object({ a: z.string({ error: 'is required' }) }), {}, (p) => new RangeError(p.join('; ')))).toThrow(
      new RangeError('a is required'),
    );
    expect(parseOrThrow(z.object({ a: z.string() }), { a: 'x' }, () => new Error('unused'))).toEqual({ a: 'x' });
  });
});
