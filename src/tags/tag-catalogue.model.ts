import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../config/project-root';
import { TAG_CATEGORIES, TagCategoryCode } from '../domain/vocabulary';
import { parseOrThrow, uniqueField, versionName } from '../domain/zod-problems';

/**
 * Facts a derivation rule can test. Scalar facts hold one value, array facts
 * (pollution_types, air_sources, monitoring_facilities) match any element;
 * `industry_code` is tested by prefix; `credit_level` is the level of the
 * latest credit rating; `monitoring_reported` is `'true'` when the monitoring
 * system has reported days for the enterprise.
 */
export const TAG_FACTS = [
  'supervision_level',
  'management_class',
  'basin',
  'pollution_types',
  'air_sources',
  'monitoring_facilities',
  'industry_code',
  'credit_level',
  'monitoring_reported',
] as const;
export type TagFact = (typeof TAG_FACTS)[number];

/**
 * One derivation rule (data, not code):
 * - `match`: the enterprise gets the tag when `field` equals (or, for arrays, contains) `value`;
 * - `prefix`: when `field` starts with `value`; among the prefix rules of one category the longest match wins;
 * - `fallback`: when no other rule of the category gave the enterprise a tag.
 */
export type TagRuleDefinition = { kind: 'match'; field: TagFact; value: string } | { kind: 'prefix'; field: TagFact; value: string } | { kind: 'fallback' };

/** A tag of the catalogue with its derivation rules. */
export interface TagDefinition {
  slug: string;
  label: string;
  labelEn: string;
  rules: TagRuleDefinition[];
}

/** A category of the catalogue. */
export interface TagCategoryDefinition {
  code: TagCategoryCode;
  label: string;
  labelEn: string;
  /** What the category's tags are derived from (for people reading the catalogue). */
  derivedFrom: string;
  tags: TagDefinition[];
}

/** The whole catalogue file (`src/tags/tag-catalogue.json`). */
export interface TagCatalogueDefinition {
  version: string;
  description?: string;
  categories: TagCategoryDefinition[];
}

/** Thrown for an invalid catalogue; the message lists every problem, each named by its field path. */
export class TagCatalogueValidationError extends Error {}

const required = (message = 'is required') => z.string({ error: message }).min(1, message);
const fact = () => z.enum(TAG_FACTS, { error: (iss) => `must be a fact a rule can test (${TAG_FACTS.join(', ')}), not ${JSON.stringify(iss.input)}` });
const RULE_KINDS = ['match', 'prefix', 'fallback'] as const;

/** A derivation rule: its kind first (named when unknown), then that kind's fields. */
const tagRuleSchema = z
  .looseObject(
    { kind: z.enum(RULE_KINDS, { error: (iss) => `must be ${RULE_KINDS.join(', ')}, not ${JSON.stringify(iss.input)}` }) },
    { error: 'must be an object' },
  )
  .pipe(
    z.discriminatedUnion('kind', [
      z.looseObject({ kind: z.literal('match'), field: fact(), value: required('needs a value') }),
      z.looseObject({ kind: z.literal('prefix'), field: fact(), value: required('needs a value') }),
      z.looseObject({ kind: z.literal('fallback') }),
    ]),
  );

const tagSchema = z.looseObject(
  {
    slug: z.string({ error: 'must be kebab-case' }).regex(/^[a-z0-9][a-z0-9-]*$/, 'must be kebab-case'),
    label: required(),
    labelEn: required(),
    rules: z.array(tagRuleSchema, { error: 'must be a list of rules' }).default([]),
  },
  { error: 'must be an object' },
);

const categorySchema = z
  .looseObject(
    {
      code: z.enum(TAG_CATEGORIES, { error: (iss) => `must be a category (${TAG_CATEGORIES.join(', ')}), not ${JSON.stringify(iss.input)}` }),
      label: required(),
      labelEn: required(),
      derivedFrom: z.string({ error: 'must be a string' }).optional(),
      tags: z.array(tagSchema, { error: 'must be a list of tags' }).check(uniqueField('slug', (slug) => `${slug} appears twice`)),
    },
    { error: 'must be an object' },
  )
  .refine((c) => c.code !== 'LOCAL' || c.tags.length === 0, { path: ['tags'], message: 'must be empty: LOCAL tags are created by bureaus, not shipped' });

/** The schema of a catalogue document; {@link validateTagCatalogue} reports its problems by field path. */
export const tagCatalogueSchema = z
  .looseObject(
    {
      version: versionName(),
      description: z.string({ error: 'must be a string' }).optional(),
      categories: z.array(categorySchema, { error: 'must be a list of categories' }).check(uniqueField('code', (code) => `${code} appears twice`)),
    },
    { error: 'must be a JSON object with a version and categories' },
  )
  .superRefine((d, ctx) => {
    const seen = new Map<string, string>();
    d.categories.forEach((c, i) =>
      c.tags.forEach((t, j) => {
        const first = seen.get(t.label);
        if (first) ctx.addIssue({ code: 'custom', path: ['categories', i, 'tags', j, 'label'], message: `${t.label} is also the label of ${first}` });
        else seen.set(t.label, `${c.code}/${t.slug}`);
      }),
    );
  });

/**
 * Checks a catalogue document: known categories and facts, unique codes and
 * Chinese labels, slugs in kebab-case; throws {@link TagCatalogueValidationError}
 * listing every problem (`tag catalogue: categories[1].tags[0].slug must be kebab-case`).
 */
export function validateTagCatalogue(doc: unknown): TagCatalogueDefinition {
  return parseOrThrow(
    tagCatalogueSchema,
    doc,
    (problems) => new TagCatalogueValidationError(`tag catalogue: ${problems.join('; ')}`),
  ) as TagCatalogueDefinition;
}

/** The catalogue the hub ships (domain.md §4). */
export function readBundledTagCatalogue(): TagCatalogueDefinition {
  const file = path.join(projectRoot(), 'src', 'tags', 'tag-catalogue.json');
  return validateTagCatalogue(JSON.parse(fs.readFileSync(file, 'utf8')));
}

const lit = (s: string | null | undefined) => (s == null ? 'null' : `'${s.replace(/'/g, "''")}'`);

/**
 * Statements writing a catalogue into `tag_category`, `tag` and `tag_rule`:
 * categories and tags are upserted by code (ids stay stable), the rules of
 * the shipped categories are replaced by the document's.
 */
export function catalogueSeedSql(doc: TagCatalogueDefinition): string[] {
  const out: string[] = [];
  const cats = doc.categories.map((c, i) => `(${lit(c.code)}, ${lit(c.label)}, ${lit(c.labelEn)}, ${lit(c.derivedFrom)}, ${i + 1})`);
  out.push(`insert into tag_category (code, label, label_en, derived_from, position) values ${cats.join(', ')}
    on conflict (code) do update set label = excluded.label, label_en = excluded.label_en, derived_from = excluded.derived_from, position = excluded.position`);
  const tags = doc.categories.flatMap((c) =>
    c.tags.map((t, i) => `(${lit(`${c.code}/${t.slug}`)}, ${lit(c.code)}, ${lit(t.slug)}, ${lit(t.label)}, ${lit(t.labelEn)}, ${i + 1})`),
  );
  out.push(`insert into tag (code, category, slug, label, label_en, position) values ${tags.join(', ')}
    on conflict (code) do update set label = excluded.label, label_en = excluded.label_en, position = excluded.position`);
  out.push(`delete from tag_rule`);
  const rules = doc.categories.flatMap((c) =>
    c.tags.flatMap((t) =>
      t.rules.map(
        (r, i) =>
          `(${lit(doc.version)}, ${lit(`${c.code}/${t.slug}`)}, ${lit(c.code)}, ${i + 1}, ${lit(r.kind)}, ${lit(r.kind === 'fallback' ? null : r.field)}, ${lit(r.kind === 'fallback' ? null : r.value)})`,
      ),
    ),
  );
  out.push(`insert into tag_rule (catalogue_version, tag_id, category, position, kind, field, value)
    select v.version, t.id, v.category, v.position, v.kind, v.field, v.value
      from (values ${rules.join(', ')}) as v(version, code, category, position, kind, field, value) join tag t on t.code = v.code`);
  return out;
}
