import { z } from 'zod';

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
