import { Pool } from 'pg';
import { DivisionDirectory } from '../divisions/division-directory';
import { Scope } from '../jurisdiction/scope';
import { TagCategoryCode } from '../domain/vocabulary';
import { UnknownTagError } from './tag.errors';

/** A tag of the catalogue as the hub holds it. */
export interface TagRecord {
  id: number;
  code: string;
  category: TagCategoryCode;
  slug: string;
  label: string;
  labelEn: string;
  /** The owning city or county of a LOCAL tag; null for the shipped catalogue. */
  divisionCode: string | null;
  createdBy: string | null;
  position: number;
}

/** A derivation rule as stored in `tag_rule`. */
export interface TagRuleRecord {
  id: number;
  tagId: number;
  category: TagCategoryCode;
  kind: 'match' | 'prefix' | 'fallback';
  field: string | null;
  value: string | null;
}

/** A category of the catalogue. */
export interface TagCategoryRecord {
  code: TagCategoryCode;
  label: string;
  labelEn: string;
  derivedFrom: string | null;
}

/** The resolved tag ids of a tag filter. */
export interface ResolvedTagFilter {
  all: number[];
  any: number[];
  none: number[];
}

/**
 * The tag catalogue held in memory (a few dozen rows plus local tags): tags by
 * id, code and label, rules and categories. Loaded at start; reloaded when a
 * lookup misses (another hub process may have created a local tag).
 */
export class TagCatalogue {
  private byId = new Map<number, TagRecord>();
  private byCode = new Map<string, TagRecord>();
  private rules = new Map<number, TagRuleRecord>();
  private categories = new Map<string, TagCategoryRecord>();
  private loading?: Promise<void>;
  /** Every tag in catalogue order (category, position, id); rebuilt when the catalogue changes. */
  private ordered: TagRecord[] = [];
  private rank = new Map<number, number>();

  constructor(
    private readonly pool: Pool,
    private readonly divisions: DivisionDirectory,
  ) {}

  /** (Re)reads the catalogue from the database. */
  reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const [tags, rules, cats] = await Promise.all([
          this.pool.query<TagRecord>(`select id, code, category, slug, label, label_en as "labelEn", division_code as "divisionCode",
              created_by as "createdBy", position from tag order by id`),
          this.pool.query<TagRuleRecord>(`select id, tag_id as "tagId", category, kind, field, value from tag_rule order by id`),
          this.pool.query<TagCategoryRecord>(`select code, label, label_en as "labelEn", derived_from as "derivedFrom" from tag_category order by position`),
        ]);
        this.byId = new Map(tags.rows.map((t) => [t.id, t]));
        this.byCode = new Map(tags.rows.map((t) => [t.code, t]));
        this.rules = new Map(rules.rows.map((r) => [r.id, r]));
        this.categories = new Map(cats.rows.map((c) => [c.code, c]));
        this.reorder();
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** Adds a tag just created by this process. */
  remember(t: TagRecord): void {
    this.byId.set(t.id, t);
    this.byCode.set(t.code, t);
    this.reorder();
  }

  private reorder(): void {
    const cats = [...this.categories.keys()];
    this.ordered = [...this.byId.values()].sort((a, b) => cats.indexOf(a.category) - cats.indexOf(b.category) || a.position - b.position || a.id - b.id);
    this.rank = new Map(this.ordered.map((t, i) => [t.id, i]));
  }

  /** Position of a tag in catalogue order (for sorting an enterprise's tags). */
  orderOf(id: number): number {
    return this.rank.get(id) ?? Number.MAX_SAFE_INTEGER;
  }

  category(code: string): TagCategoryRecord | undefined {
    return this.categories.get(code);
  }

  rule(id: number): TagRuleRecord | undefined {
    return this.rules.get(id);
  }

  /** A tag by id; reloads once when the id is not known yet. */
  async byIdLoaded(ids: number[]): Promise<void> {
    if (ids.some((id) => !this.byId.has(id))) await this.reload();
  }

  get(id: number): TagRecord | undefined {
    return this.byId.get(id);
  }

  /** True when `scope` may see tag `t`: every shipped tag; a local tag only inside its own division. */
  visible(t: TagRecord, scope: Pick<Scope, 'divisionCode'>): boolean {
    return t.divisionCode === null || this.divisions.contains(t.divisionCode, scope.divisionCode);
  }

  /** Tags visible to `scope`, optionally of one category, in catalogue order. */
  list(scope: Pick<Scope, 'divisionCode'>, category?: string | null): TagRecord[] {
    return this.ordered.filter((t) => (!category || t.category === category) && this.visible(t, scope));
  }

  private find(ref: string, scope: Pick<Scope, 'divisionCode'>): TagRecord | TagRecord[] | undefined {
    const r = ref.trim();
    const byCode = this.byCode.get(r);
    if (byCode) return this.visible(byCode, scope) ? byCode : undefined;
    const byLabel = [...this.byId.values()].filter((t) => t.label === r && this.visible(t, scope));
    return byLabel.length === 1 ? byLabel[0] : byLabel.length > 1 ? byLabel : undefined;
  }

  /**
   * Resolves references (codes like `CREDIT/yellow` or Chinese labels like
   * `黄标`) among the tags `scope` may see. Throws {@link UnknownTagError}
   * naming every reference that matches none (a local tag of another division
   * is unknown to the caller) or more than one.
   */
  async resolve(refs: readonly string[], scope: Pick<Scope, 'divisionCode'>, field: string): Promise<TagRecord[]> {
    if (refs.some((r) => this.find(r, scope) === undefined)) await this.reload();
    const out: TagRecord[] = [];
    const unknown: string[] = [];
    const ambiguous: string[] = [];
    for (const ref of refs) {
      const t = this.find(ref, scope);
      if (!t) unknown.push(ref);
      else if (Array.isArray(t)) ambiguous.push(`'${ref}' (${t.map((x) => x.code).join(', ')})`);
      else out.push(t);
    }
    if (unknown.length) {
      throw new UnknownTagError(
        `${field}: unknown tag${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')}; ` +
          `use a tag code like 'CREDIT/yellow' or a Chinese label like '黄标' (query tags for the catalogue)`,
      );
    }
    if (ambiguous.length) throw new UnknownTagError(`${field}: ambiguous label ${ambiguous.join(', ')}; use the tag code`);
    return out;
  }

  /** Resolves the three lists of a tag filter. */
  async resolveFilter(
    f: { all?: readonly string[] | null; any?: readonly string[] | null; none?: readonly string[] | null },
    scope: Pick<Scope, 'divisionCode'>,
    field = 'filter.tags',
  ): Promise<ResolvedTagFilter> {
    const ids = async (refs: readonly string[] | null | undefined, name: string) =>
      refs?.length ? (await this.resolve(refs, scope, `${field}.${name}`)).map((t) => t.id) : [];
    return { all: await ids(f.all, 'all'), any: await ids(f.any, 'any'), none: await ids(f.none, 'none') };
  }
}
