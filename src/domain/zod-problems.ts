import { z } from 'zod';

/**
 * Turning zod's issues into the problems a steward reads: every problem starts
 * with the path of the field it concerns (`rules[3].points must be a
 * non-negative integer`), in input order. Used by every document the hub
 * validates — configuration, rule sets, warning parameters, the tag
 * catalogue, inspection policies, connector manifests and declarative
 * connector definitions — so they all report the same way.
 */

/** `fields[2].valueMap` from a zod issue path. */
export function fieldName(path: readonly PropertyKey[], prefix = ''): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), prefix);
}

type Issue = z.core.$ZodIssue;

/** The issues of a failed union: those of the option that got furthest (not only a wrong type at its root). */
function unionIssues(issue: Issue & { code: 'invalid_union' }): Issue[] | null {
  const options = (issue.errors ?? []).filter((o) => !(o.length === 1 && o[0].code === 'invalid_type' && o[0].path.length === 0));
  return options.length === 1 ? options[0].map((i) => ({ ...i, path: [...issue.path, ...i.path] })) : null;
}

/**
 * One problem per zod issue, each starting with the field it concerns
 * (`pagination.size must be an integer from 1 to 100000`), in input order.
 * A strict object's unknown keys become one problem per key, named by its
 * path (`detectors.RISK_UP.minutes is not a parameter of RISK_UP`).
 * `override` replaces the message of a top-level field's issues with one of
 * its own (once per field).
 */
export function problemsOf(error: z.ZodError, override: Record<string, () => string> = {}, prefix = ''): string[] {
  const out: string[] = [];
  const overridden = new Set<string>();
  const visit = (issue: Issue) => {
    if (issue.code === 'invalid_union') {
      const inner = unionIssues(issue);
      if (inner) return inner.forEach(visit);
    }
    if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
      const message = /^Unrecognized key/.test(issue.message) ? 'is not a known field' : issue.message;
      return issue.keys.forEach((k) => visit({ code: 'custom', input: undefined, path: [...issue.path, k], message }));
    }
    const top = String(issue.path[0] ?? '');
    if (!prefix && override[top]) {
      if (!overridden.has(top)) out.push(override[top]());
      overridden.add(top);
      return;
    }
    const name = fieldName(issue.path, prefix);
    out.push(name ? `${name} ${issue.message}` : issue.message);
  };
  error.issues.forEach(visit);
  return out;
}

/**
 * Parses `input` with `schema`; on failure throws `fail(problems)` with every
 * problem of {@link problemsOf}. The one way a data document is checked.
 */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, fail: (problems: string[]) => Error): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw fail(problemsOf(r.error));
  return r.data;
}

/** An integer in [min, max]; any other value is `message` (one problem, not one per failed bound). */
export function boundedInt(min: number, max: number, message: string) {
  return z.number({ error: message }).refine((v) => Number.isInteger(v) && v >= min && v <= max, message);
}

/** A short version name: 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit. */
export const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A version name (see {@link VERSION_PATTERN}); any other value is `message`. */
export function versionName(message = 'must be 1–64 letters, digits, ".", "_" or "-"') {
  return z.string({ error: message }).regex(VERSION_PATTERN, message);
}

/**
 * A non-empty list of strings drawn from `allowed`: `is required` when left
 * out, `must be a non-empty array of strings` for another shape, and the
 * unknown values with the allowed ones otherwise.
 */
export function allowedList<T extends string>(allowed: readonly T[]) {
  const shape = 'must be a non-empty array of strings';
  return z
    .array(z.string({ error: 'must be a string' }), { error: (iss) => (iss.input === undefined ? 'is required' : shape) })
    .min(1, shape)
    .superRefine((values, ctx) => {
      const bad = values.filter((v) => !(allowed as readonly string[]).includes(v));
      if (bad.length) ctx.addIssue({ code: 'custom', message: `has unknown value(s) ${bad.join(', ')} (allowed: ${allowed.join(', ')})` });
    })
    .transform((values) => values as T[]);
}

/**
 * A check over a list that each item's `field` (a string) is used once; it
 * runs even when some items have problems of their own, so a duplicate is
 * reported alongside them (`rules[15].code ENF_SEAL is used twice`).
 */
export function uniqueField(field: string, message: (value: string) => string) {
  return z.core._check<unknown[]>(
    (ctx) => {
      const seen = new Set<string>();
      ctx.value.forEach((item, i) => {
        const value = item && typeof item === 'object' ? (item as Record<string, unknown>)[field] : undefined;
        if (typeof value !== 'string') return;
        if (seen.has(value)) ctx.issues.push({ code: 'custom', input: item, path: [i, field], message: message(value) });
        seen.add(value);
      });
    },
    { when: (payload) => Array.isArray(payload.value) },
  );
}
