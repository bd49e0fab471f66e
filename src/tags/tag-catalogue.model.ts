import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config/project-root';
import { TAG_CATEGORIES, TagCategoryCode } from '../domain/vocabulary';

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

export class TagCatalogueValidationError extends Error {}

/** Checks a catalogue document: known categories and facts, unique codes and Chinese labels, slugs in kebab-case. */
export function validateTagCatalogue(doc: unknown): TagCatalogueDefinition {
  const fail = (m: string): never => {
    throw new TagCatalogueValidationError(`tag catalogue: ${m}`);
  };
  const d = doc as TagCatalogueDefinition;
  if (!d || typeof d.version !== 'string' || !Array.isArray(d.categories)) fail('needs a version and categories');
  const labels = new Set<string>();
  const codes = new Set<string>();
  for (const c of d.categories) {
    if (!TAG_CATEGORIES.includes(c.code)) fail(`unknown category ${c.code}`);
    if (!Array.isArray(c.tags)) fail(`category ${c.code} has no tags list`);
    if (c.code === 'LOCAL' && c.tags.length) fail('LOCAL tags are created by bureaus, not shipped');
    for (const t of c.tags) {
      const code = `${c.code}/${t.slug}`;
      if (!/^[a-z0-9][a-z0-9-]*$/.test(t.slug)) fail(`${code}: slug must be kebab-case`);
      if (codes.has(code)) fail(`${code} appears twice`);
      if (!t.label || !t.labelEn) fail(`${code} needs label and labelEn`);
      if (labels.has(t.label)) fail(`label ${t.label} appears twice`);
      codes.add(code);
      labels.add(t.label);
      for (const r of t.rules ?? []) {
        if (r.kind === 'fallback') continue;
        if (r.kind !== 'match' && r.kind !== 'prefix') fail(`${code}: unknown rule kind ${(r as { kind: string }).kind}`);
        if (!TAG_FACTS.includes(r.field)) fail(`${code}: unknown fact ${r.field}`);
        if (typeof r.value !== 'string' || !r.value) fail(`${code}: rule needs a value`);
      }
    }
  }
  return d;
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
