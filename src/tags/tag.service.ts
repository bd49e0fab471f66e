import { Pool } from 'pg';
import { Caller, hasRole } from '../auth/caller.model';
import { Database, withTransaction } from '../db/database';
import { takeDeriveMarks } from '../db/derive-marks';
import { DivisionDirectory } from '../divisions/division-directory';
import { PostSyncStep } from '../ingest/sync.runner';
import { Scope, SqlParams, divisionPredicate } from '../jurisdiction/scope';
import { TagCatalogue, TagRecord, TagRuleRecord } from './tag-catalogue';
import { TagCatalogueLoadSummary, TagCatalogueRepository } from './tag-catalogue.repository';
import { pruneTagsSql, retagSql } from './tag-derivation.query';
import { TagForbiddenError, TagInputError } from './tag.errors';

/** A row of {@link TAGS_OF_ENTERPRISES_SQL}: an enterprise's tag ids, where derived ones came from, and its manual attachments. */
export interface EnterpriseTagsRow {
  credit_code: string;
  tag_ids: number[];
  derived_tag_ids: number[];
  derived_rule_ids: number[];
  manual: { tagId: number; actor: string; at: string; reason: string }[];
}

/** The `enterprise_tags` rows (with manual attachments) of the credit codes in `$1`, one statement for a whole page. */
export const TAGS_OF_ENTERPRISES_SQL = `select s.credit_code, s.tag_ids, s.derived_tag_ids, s.derived_rule_ids,
              coalesce((select json_agg(json_build_object('tagId', m.tag_id, 'actor', m.actor, 'at', m.at, 'reason', m.reason))
                          from tag_manual m where m.credit_code = s.credit_code and m.action = 'ATTACH'), '[]') as manual
         from enterprise_tags s where s.credit_code = any($1::text[])`;

/** How an enterprise came to carry a tag. */
export type TagSourceKind = 'DERIVED' | 'MANUAL';

/** A tag as carried by one enterprise, with where it came from. */
export interface EnterpriseTagView extends TagRecord {
  sourceKind: TagSourceKind;
  /** Human-readable origin: the rule that derived it, or who attached it, when and why. */
  source: string;
  ruleId: number | null;
  attachedBy: string | null;
  attachedAt: Date | null;
  reason: string | null;
}

/** One manual change of an enterprise's tags (or the creation of a local tag), from the audit table. */
export interface TagChangeView {
  at: Date;
  creditCode: string | null;
  tagCode: string;
  action: 'ATTACH' | 'DETACH' | 'CREATE_LOCAL';
  actor: string;
  actorRole: string | null;
  actorDivision: string | null;
  reason: string | null;
  /** Whether the enterprise carried the tag just before the change. */
  wasPresent: boolean | null;
}

/** Outcome of a retag. */
export interface RetagSummary {
  enterprises: number;
  changed: number;
  durationMs: number;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * Tags of enterprises: set-based derivation from the rules in `tag_rule`
 * after every sync (and in full), manual attach/detach with audit, local tags
 * of cities and counties, and batched reads for the API.
 */
export class TagService {
  constructor(
    private readonly db: Database,
    readonly catalogue: TagCatalogue,
    private readonly divisions: DivisionDirectory,
  ) {}

  private get pool(): Pool {
    return this.db.pool;
  }

  /** Re-derives the tags of the given enterprises in one statement (their marks are consumed with it). */
  async retag(creditCodes: readonly string[]): Promise<RetagSummary> {
    const t = Date.now();
    if (!creditCodes.length) return { enterprises: 0, changed: 0, durationMs: 0 };
    return withTransaction(this.pool, async (client) => {
      const codes = [...new Set(creditCodes)];
      await takeDeriveMarks(client, 'tags', codes);
      const r = await client.query<{ enterprises: number; changed: number }>(retagSql('touched'), [codes]);
      return { ...r.rows[0], durationMs: Date.now() - t };
    });
  }

  /**
   * Re-derives the tags of every enterprise marked in `derive_dirty` (product
   * `tags`) plus `extra`, consuming the marks in the transaction that writes
   * the tags: after a crash anywhere, the marks are still there and the next
   * call derives them.
   */
  async retagMarked(extra: readonly string[] = []): Promise<RetagSummary> {
    const t = Date.now();
    return withTransaction(this.pool, async (client) => {
      await client.query(`select pg_advisory_xact_lock(hashtext('hub-retag'))`);
      const codes = [...new Set([...extra, ...(await takeDeriveMarks(client, 'tags'))])];
      if (!codes.length) return { enterprises: 0, changed: 0, durationMs: Date.now() - t };
      const r = await client.query<{ enterprises: number; changed: number }>(retagSql('touched'), [codes]);
      // A mark of a deleted enterprise removes its tags.
      await client.query(`${pruneTagsSql} and t.credit_code = any($1::text[])`, [codes]);
      return { ...r.rows[0], durationMs: Date.now() - t };
    });
  }

  /** Re-derives the tags of every enterprise (after a change of the rules, or to repair); every mark is consumed. */
  async retagAll(): Promise<RetagSummary> {
    const t = Date.now();
    return withTransaction(this.pool, async (client) => {
      await client.query(`select pg_advisory_xact_lock(hashtext('hub-retag'))`);
      await takeDeriveMarks(client, 'tags');
      const r = await client.query<{ enterprises: number; changed: number }>(retagSql('all'));
      await client.query(pruneTagsSql);
      return { ...r.rows[0], durationMs: Date.now() - t };
    });
  }

  /**
   * Loads a tag catalogue version and makes it active (`hub tags load FILE`):
   * tags and rules replaced in one transaction with a full re-derivation, then
   * this process's in-memory catalogue is reloaded.
   */
  async loadCatalogue(input: unknown): Promise<TagCatalogueLoadSummary> {
    const summary = await new TagCatalogueRepository(this.pool).load(input);
    await this.catalogue.reload();
    return summary;
  }

  /** The post-sync step: retag the enterprises a sync touched and every one still marked (a crash's leftovers). */
  postSyncStep(): PostSyncStep {
    return {
      name: 'retag',
      run: async (_db, touched, log) => {
        const s = await this.retagMarked(touched);
        if (s.enterprises) log(`retag: ${s.enterprises} enterprises, ${s.changed} changed`);
        return { enterprises: s.enterprises };
      },
    };
  }

  private requireBureau(caller: Caller, action: string): void {
    if (!hasRole(caller, ['BUREAU'])) throw new TagForbiddenError(`${action} needs role BUREAU or ADMIN; your key has role ${caller.role}`);
  }

  private requireReason(reason: string): string {
    const r = (reason ?? '').trim();
    if (!r) throw new TagInputError('reason must not be empty: say why the tag is attached or detached');
    if (r.length > 1000) throw new TagInputError(`reason is ${r.length} characters; at most 1000`);
    return r;
  }

  /** Attaches a tag by hand; it stays until detached, whatever derivation says. */
  attach(caller: Caller, creditCode: string, tagRef: string, reason: string, requestId?: string): Promise<void> {
    return this.manual(caller, creditCode, tagRef, reason, 'ATTACH', requestId);
  }

  /** Detaches a tag by hand; a derived tag stays suppressed until re-attached. */
  detach(caller: Caller, creditCode: string, tagRef: string, reason: string, requestId?: string): Promise<void> {
    return this.manual(caller, creditCode, tagRef, reason, 'DETACH', requestId);
  }

  private async manual(caller: Caller, creditCode: string, tagRef: string, reason: string, action: 'ATTACH' | 'DETACH', requestId?: string): Promise<void> {
    this.requireBureau(caller, action === 'ATTACH' ? 'attachTag' : 'detachTag');
    const why = this.requireReason(reason);
    const [tag] = await this.catalogue.resolve([tagRef], caller.scope, 'tag');
    const params = new SqlParams();
    const found = await this.pool.query<{ division_code: string }>(
      `select e.division_code from enterprise e where e.credit_code = ${params.add(creditCode)} and ${divisionPredicate(caller.scope, params)}`,
      params.values,
    );
    if (!found.rows.length) throw new TagInputError(`no enterprise ${creditCode} in your jurisdiction (${caller.scope.divisionCode})`);
    if (tag.divisionCode && !this.divisions.contains(tag.divisionCode, found.rows[0].division_code)) {
      throw new TagInputError(`local tag ${tag.code} belongs to ${tag.divisionCode}; enterprise ${creditCode} lies in ${found.rows[0].division_code}`);
    }
    await withTransaction(this.pool, async (client) => {
      // Serialise manual changes of one enterprise so the audit's "was present" is exact.
      await client.query(`select pg_advisory_xact_lock(hashtext('tag-manual'), hashtext($1))`, [creditCode]);
      const before = await client.query<{ present: boolean }>(
        `select coalesce((select $2::int = any(tag_ids) from enterprise_tags where credit_code = $1), false) as present`,
        [creditCode, tag.id],
      );
      await client.query(
        `insert into tag_manual (credit_code, tag_id, action, api_key_id, actor, actor_division, at, reason)
         values ($1, $2, $3, $4, $5, $6, now(), $7)
         on conflict (credit_code, tag_id) do update set action = excluded.action, api_key_id = excluded.api_key_id, actor = excluded.actor,
           actor_division = excluded.actor_division, at = excluded.at, reason = excluded.reason`,
        [creditCode, tag.id, action, caller.keyId, caller.name, caller.scope.divisionCode, why],
      );
      await client.query(
        `insert into tag_audit (credit_code, tag_id, tag_code, action, api_key_id, actor, actor_role, actor_division, reason, was_present, request_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          creditCode,
          tag.id,
          tag.code,
          action,
          caller.keyId,
          caller.name,
          caller.role,
          caller.scope.divisionCode,
          why,
          before.rows[0].present,
          requestId ?? null,
        ],
      );
      await client.query(retagSql('touched'), [[creditCode]]);
    });
  }

  /**
   * Creates a local tag (专属标签) of a city or county inside the caller's
   * jurisdiction. Its code is `LOCAL/<division>-<slug>`; only callers of that
   * division (or inside it) can see or use it.
   */
  async createLocalTag(caller: Caller, input: { divisionCode: string; slug: string; label: string; labelEn: string }, requestId?: string): Promise<TagRecord> {
    this.requireBureau(caller, 'createLocalTag');
    const d = this.divisions.require(input.divisionCode, 'divisionCode');
    if (d.level === 'PROVINCE') throw new TagInputError(`local tags belong to a city or a county, not to the province (${d.code})`);
    if (!this.divisions.contains(caller.scope.divisionCode, d.code)) {
      throw new TagForbiddenError(`divisionCode ${d.code} is outside your jurisdiction (${caller.scope.divisionCode})`);
    }
    if (!SLUG.test(input.slug ?? '')) throw new TagInputError(`slug '${input.slug}' must be lower-case kebab-case (a-z, 0-9, -), at most 40 characters`);
    const label = (input.label ?? '').trim();
    const labelEn = (input.labelEn ?? '').trim();
    if (!label || label.length > 40) throw new TagInputError('label must be 1–40 characters');
    if (!labelEn || labelEn.length > 80) throw new TagInputError('labelEn must be 1–80 characters');
    await this.catalogue.reload();
    const clash = this.catalogue.list({ divisionCode: d.code }).find((t) => t.label === label);
    if (clash) {
      // Name the clashing tag only when the caller may see it: a county's local tags are not the city's to learn.
      throw new TagInputError(
        this.catalogue.visible(clash, caller.scope)
          ? `label '${label}' is already used by ${clash.code}; choose another`
          : `label '${label}' is already taken in ${d.code}; choose another`,
      );
    }
    const code = `LOCAL/${d.code}-${input.slug}`;
    const created = await withTransaction(this.pool, async (client) => {
      const ins = await client.query<TagRecord>(
        `insert into tag (code, category, slug, label, label_en, division_code, created_by)
         values ($1, 'LOCAL', $2, $3, $4, $5, $6) on conflict do nothing
         returning id, code, category, slug, label, label_en as "labelEn", division_code as "divisionCode", created_by as "createdBy", position`,
        [code, `${d.code}-${input.slug}`, label, labelEn, d.code, caller.name],
      );
      if (!ins.rows.length) throw new TagInputError(`a tag ${code} or the label '${label}' already exists in ${d.code}`);
      const t = ins.rows[0];
      await client.query(
        `insert into tag_audit (tag_id, tag_code, action, api_key_id, actor, actor_role, actor_division, reason, request_id)
         values ($1, $2, 'CREATE_LOCAL', $3, $4, $5, $6, $7, $8)`,
        [t.id, t.code, caller.keyId, caller.name, caller.role, caller.scope.divisionCode, `${label} / ${labelEn}`, requestId ?? null],
      );
      return t;
    });
    this.catalogue.remember(created);
    return created;
  }

  /** The tags of many enterprises as `scope` may see them, in one statement (a DataLoader batch). */
  async tagsOf(creditCodes: readonly string[], scope: Pick<Scope, 'divisionCode'>): Promise<EnterpriseTagView[][]> {
    const res = await this.db.apiPool.query<EnterpriseTagsRow>({
      name: 'tags-of-enterprises',
      text: TAGS_OF_ENTERPRISES_SQL,
      values: [[...new Set(creditCodes)]],
    });
    return this.viewsOf(creditCodes, res.rows, scope);
  }

  /**
   * The views of `enterprise_tags` rows (as {@link TAGS_OF_ENTERPRISES_SQL}
   * selects them) for `creditCodes`, in that order, as `scope` may see them.
   */
  async viewsOf(creditCodes: readonly string[], rows: readonly EnterpriseTagsRow[], scope: Pick<Scope, 'divisionCode'>): Promise<EnterpriseTagView[][]> {
    await this.catalogue.byIdLoaded(rows.flatMap((r) => r.tag_ids));
    const by = new Map<string, EnterpriseTagView[]>();
    for (const row of rows) {
      const manual = row.manual.length ? new Map(row.manual.map((m) => [m.tagId, m])) : undefined;
      const views: EnterpriseTagView[] = [];
      for (const id of row.tag_ids) {
        const t = this.catalogue.get(id);
        if (!t || !this.catalogue.visible(t, scope)) continue;
        const m = manual?.get(id);
        if (m) {
          const at = new Date(m.at);
          views.push({
            ...t,
            sourceKind: 'MANUAL',
            source: `manual: attached by ${m.actor} at ${at.toISOString()}: ${m.reason}`,
            ruleId: null,
            attachedBy: m.actor,
            attachedAt: at,
            reason: m.reason,
          });
          continue;
        }
        const k = row.derived_tag_ids.indexOf(id);
        views.push(this.derivedView(t, k >= 0 ? this.catalogue.rule(row.derived_rule_ids[k]) : undefined));
      }
      by.set(row.credit_code, this.sortViews(views));
    }
    return creditCodes.map((c) => by.get(c) ?? []);
  }

  /**
   * Derived views by catalogue tag and rule. A derived view depends only on
   * the two records, so one frozen object serves every enterprise and request;
   * keyed by the record objects, it follows a catalogue reload by itself.
   */
  private readonly derivedViews = new WeakMap<TagRecord, Map<TagRuleRecord | undefined, EnterpriseTagView>>();

  private derivedView(t: TagRecord, rule: TagRuleRecord | undefined): EnterpriseTagView {
    let byRule = this.derivedViews.get(t);
    if (!byRule) this.derivedViews.set(t, (byRule = new Map()));
    let view = byRule.get(rule);
    if (!view) {
      view = Object.freeze({
        ...t,
        sourceKind: 'DERIVED' as const,
        source: rule ? `derived: ${describeRule(rule)}` : 'derived',
        ruleId: rule?.id ?? null,
        attachedBy: null,
        attachedAt: null,
        reason: null,
      });
      byRule.set(rule, view);
    }
    return view;
  }

  private sortViews(v: EnterpriseTagView[]): EnterpriseTagView[] {
    return v.sort((a, b) => this.catalogue.orderOf(a.id) - this.catalogue.orderOf(b.id));
  }

  /** Manual tag changes of many enterprises (oldest first), only for tags `scope` may see, in one statement. */
  async changesOf(creditCodes: readonly string[], scope: Pick<Scope, 'divisionCode'>): Promise<TagChangeView[][]> {
    const res = await this.pool.query<TagChangeView & { tagId: number }>(
      `select at, credit_code as "creditCode", tag_id as "tagId", tag_code as "tagCode", action, actor, actor_role as "actorRole",
              actor_division as "actorDivision", reason, was_present as "wasPresent"
         from tag_audit where credit_code = any($1::text[]) order by credit_code, at, id`,
      [[...new Set(creditCodes)]],
    );
    await this.catalogue.byIdLoaded(res.rows.map((r) => r.tagId));
    const by = new Map<string, TagChangeView[]>();
    for (const r of res.rows) {
      const t = this.catalogue.get(r.tagId);
      if (!t || !this.catalogue.visible(t, scope)) continue;
      const { tagId: _id, ...view } = r;
      const list = by.get(r.creditCode!) ?? [];
      list.push(view);
      by.set(r.creditCode!, list);
    }
    return creditCodes.map((c) => by.get(c) ?? []);
  }
}

/** One line describing a rule, e.g. `industry_code starts with C26` or `no other INDUSTRY tag applies`. */
export function describeRule(r: { kind: string; field: string | null; value: string | null; category: string; id: number }): string {
  switch (r.kind) {
    case 'prefix':
      return `rule ${r.id}: ${r.field} starts with ${r.value} (longest prefix of ${r.category})`;
    case 'fallback':
      return `rule ${r.id}: no other ${r.category} tag applies`;
    default:
      return `rule ${r.id}: ${r.field} = ${r.value}`;
  }
}
