/**
 * Entity resolution at ingest (`shared/spec/entity-resolution.md`): which enterprise
 * a record names when it carries no valid credit code. Set-based: one statement per
 * key over a page's unresolved records, never a round trip per record.
 *
 * Order: a steward's link of this very record; the deterministic keys (organisation
 * code → the enterprise whose credit code embeds it, permit number → its credit-code
 * prefix, registration number → the enterprise the permit system keeps it for); a steward's decision for the same source identity; then similarity —
 * candidates from `pg_trgm` over enterprise names (blocked by the record's county
 * when it names one), scored on the standardised name and address into a
 * probability (`scoreCandidates`), decided by two thresholds (`decide`).
 */
import type { PoolClient } from 'pg';
import { creditCodeProblem } from '../domain/credit-code';
import type { RecordIdentity, RecordKind } from '../connectors/unified-record';
import { NameStandardiser } from './name-standardiser';
import { creditCodeOfPermitNo, foldWidth, normaliseOrgCode, orgCodeProblem, permitNoProblem } from './org-code';
import { DEFAULT_LINK_MARGIN, DEFAULT_WEIGHTS, ScoredCandidate, SimilarityWeights, Thresholds, decide, logOdds, scoreCandidates } from './similarity';

/** The key that made a link, as `entity_link.key` stores it. */
export type LinkKey = 'ORG_CODE' | 'PERMIT_NO' | 'REGISTRATION_NO' | 'SIMILARITY' | 'STEWARD';

/** A record that needs resolving: its id in its source, its credit-code field as sent, and what else identifies it. */
export interface ResolutionInput {
  sourceId: string;
  kind: RecordKind;
  creditCode: unknown;
  identity?: RecordIdentity;
  /** What the review queue keeps of the record (the mapped record and its raw payload), so a steward's link can load it. */
  payload: unknown;
}

/** What resolution decided for one record. */
export type ResolutionOutcome =
  | { outcome: 'LINKED'; creditCode: string; key: LinkKey; probability: number; detail: string }
  | { outcome: 'QUEUED'; probability: number; why: string; candidates: ScoredCandidate[] }
  | { outcome: 'QUARANTINED'; reason: string };

/** Counts of one page's resolution (for the run log and the bench). */
export interface ResolutionCounts {
  linked: number;
  queued: number;
  quarantined: number;
}

/** Kinds whose records may name their enterprise without a credit code. */
const RESOLVABLE_KINDS: ReadonlySet<RecordKind> = new Set(['enforcement', 'penalty']);

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * True when a record takes the resolution path: an enforcement or penalty record
 * whose credit code is not valid and that either names its enterprise otherwise
 * (identity fields) or leaves the code blank or holds a 9-character organisation
 * code there. Everything else — a valid code, or a malformed 18-character one with
 * nothing beside it — takes the existing path unchanged.
 */
export function needsResolution(kind: RecordKind, creditCode: unknown, identity: RecordIdentity | undefined): boolean {
  if (!RESOLVABLE_KINDS.has(kind) || creditCodeProblem(creditCode) === null) return false;
  if (identity && Object.values(identity).some((v) => text(v) !== null)) return true;
  const code = typeof creditCode === 'string' ? creditCode : creditCode === undefined || creditCode === null ? '' : null;
  return code !== null && (code.trim() === '' || normaliseOrgCode(code).length === 9);
}

/** The thresholds and weights resolution runs with. */
export interface ResolverOptions {
  thresholds: Thresholds;
  weights?: SimilarityWeights;
  /** Candidates kept per record (queue and quarantine reasons show them). */
  keep?: number;
}

/** A record after the pure part of resolution: what its identifiers say before the database is asked. */
interface Staged {
  input: ResolutionInput;
  identityKey: string;
  orgCode: string | null;
  permitCode: string | null;
  /** The registration number as written, width-folded and without spaces. */
  registrationNo: string | null;
  name: string | null;
  divisionCode: string | null;
  address: string | null;
  tried: string[];
}

/** How a deterministic key's outcome reads in a link's detail or a quarantine reason. */
interface KeyWording {
  one(value: string, creditCode: string): string;
  none(value: string): string;
  many(value: string, creditCodes: string[]): string;
}

/** The enterprise column each looked-up key matches (an expression over `enterprise e`, each indexed). */
const KEY_COLUMN = { ORG_CODE: 'substr(e.credit_code, 9, 9)', REGISTRATION_NO: 'e.registration_no' } as const;

/** The credit codes each record's key value names, in one statement for the page. */
async function lookupByKey(
  client: Pick<PoolClient, 'query'>,
  key: keyof typeof KEY_COLUMN,
  rows: { source_id: string; value: string }[],
): Promise<Map<string, string[]>> {
  const res = await client.query<{ source_id: string; codes: string[] }>(
    `select i.source_id, array_agg(e.credit_code order by e.credit_code) as codes
       from jsonb_to_recordset($1::jsonb) as i(source_id text, value text)
       join enterprise e on ${KEY_COLUMN[key]} = i.value
      group by i.source_id`,
    [JSON.stringify(rows)],
  );
  return new Map(res.rows.map((r) => [r.source_id, r.codes]));
}

/**
 * Resolves a page's records inside the caller's transaction and records what it
 * decided: links in `entity_link` (with their key and probability), the review band
 * in `resolution_queue` (with candidates and reasons). Quarantine is the caller's:
 * it gets the reasons.
 */
export class EntityResolver {
  constructor(
    private readonly standardiser: NameStandardiser,
    private readonly opts: ResolverOptions,
  ) {
    if (!(opts.thresholds.review <= opts.thresholds.link))
      throw new Error(`review threshold ${opts.thresholds.review} must not exceed link threshold ${opts.thresholds.link}`);
  }

  /** A resolver whose standardiser knows the province and city names of the `division` table. */
  static async load(client: Pick<PoolClient, 'query'>, opts: ResolverOptions): Promise<EntityResolver> {
    const res = await client.query<{ code: string; name: string; parent_code: string | null }>('select code, name, parent_code from division');
    const byParent = new Map<string | null, { code: string; name: string }[]>();
    for (const r of res.rows) {
      const list = byParent.get(r.parent_code) ?? [];
      list.push({ code: r.code, name: r.name });
      byParent.set(r.parent_code, list);
    }
    const resolver = new EntityResolver(new NameStandardiser({ children: (p) => byParent.get(p) ?? [] }), opts);
    await resolver.fillNameKeys(client);
    return resolver;
  }

  /**
   * Writes the name keys of enterprises just stored (`enterprise_name_key`, see
   * `NameStandardiser.nameKeys`), replacing what they had: ingest calls it in the
   * transaction that writes the enterprises.
   */
  async writeNameKeys(client: Pick<PoolClient, 'query'>, enterprises: readonly { creditCode: string; name: string }[]): Promise<void> {
    if (!enterprises.length) return;
    const rows = enterprises.map((e) => ({ credit_code: e.creditCode, keys: this.standardiser.nameKeys(e.name) }));
    await client.query(`delete from enterprise_name_key where credit_code = any($1::text[])`, [rows.map((r) => r.credit_code)]);
    await client.query(
      `insert into enterprise_name_key (key, credit_code)
       select distinct k, x.credit_code from jsonb_to_recordset($1::jsonb) as x(credit_code text, keys text[]), unnest(x.keys) as k
       on conflict do nothing`,
      [JSON.stringify(rows)],
    );
  }

  /** Name keys for a store whose enterprises were written before keys existed (once: when none are kept yet). */
  private async fillNameKeys(client: Pick<PoolClient, 'query'>): Promise<void> {
    const need = await client.query<{ need: boolean }>(`select exists (select 1 from enterprise) and not exists (select 1 from enterprise_name_key) as need`);
    if (!need.rows[0].need) return;
    for (let after = ''; ;) {
      const page = await client.query<{ creditCode: string; name: string }>(
        `select credit_code as "creditCode", name from enterprise where credit_code > $1 order by credit_code limit 5000`,
        [after],
      );
      if (!page.rows.length) return;
      await this.writeNameKeys(client, page.rows);
      after = page.rows[page.rows.length - 1].creditCode;
    }
  }

  get thresholds(): Thresholds {
    return this.opts.thresholds;
  }

  /** The source identity a record is resolved from (what a steward's decision is remembered by). */
  identityKey(input: Pick<ResolutionInput, 'creditCode' | 'identity'>): string {
    return this.stage({ ...input, sourceId: '', kind: 'enforcement', payload: null }).identityKey;
  }

  private stage(input: ResolutionInput): Staged {
    const id = input.identity ?? {};
    const tried: string[] = [];
    const orgCodes: string[] = [];
    const field = text(input.creditCode);
    if (field) {
      const org = normaliseOrgCode(field);
      if (org.length === 9) orgCodes.push(org);
      else tried.push(creditCodeProblem(field) ?? `credit code '${field}' is not valid`);
    }
    const orgField = text(id.orgCode);
    if (orgField) orgCodes.push(normaliseOrgCode(orgField));
    let orgCode: string | null = null;
    for (const org of new Set(orgCodes)) {
      const problem = orgCodeProblem(org);
      if (problem) tried.push(problem);
      else orgCode ??= org;
    }
    const permit = text(id.permitNo);
    let permitCode: string | null = null;
    if (permit) {
      permitCode = creditCodeOfPermitNo(permit);
      if (!permitCode) tried.push(permitNoProblem(permit) ?? `permit number '${permit}' names no enterprise`);
    }
    const registrationField = text(id.registrationNo);
    const registration = registrationField ? foldWidth(registrationField).replace(/\s/g, '') : null;
    const name = text(id.name);
    const divisionCode = text(id.divisionCode);
    const std = name ? this.standardiser.standardise(name) : null;
    const identityKey = orgCode
      ? `ORG:${orgCode}`
      : permitCode
        ? `PERMIT:${foldWidth(permit!).replace(/\s/g, '').toUpperCase()}`
        : registration
          ? `REG:${registration}`
          : std
            ? `NAME:${divisionCode ?? '-'}:${std.core}:${std.form ?? ''}`
            : `NONE:${input.sourceId}`;
    return { input, identityKey, orgCode, permitCode, registrationNo: registration, name, divisionCode, address: text(id.address), tried };
  }

  /**
   * The enterprises a page's named records may name, in two statements at most: by
   * name key (every enterprise within one typing slip of the record's core or a
   * former name, an indexed lookup), blocked by the record's county when it names
   * one; and for the records no key finds, the closest names by `pg_trgm` in the
   * block (so a quarantine reason still shows its best candidates).
   */
  private async candidates(client: Pick<PoolClient, 'query'>, named: readonly Staged[]) {
    type Row = { source_id: string; credit_code: string; name: string; address: string | null; division_code: string };
    const byKey = await client.query<Row>(
      `select i.source_id, e.credit_code, e.name, e.address, e.division_code
         from jsonb_to_recordset($1::jsonb) as i(source_id text, keys text[], division_code text)
         cross join lateral (select distinct k.credit_code from enterprise_name_key k where k.key = any(i.keys)) m
         join enterprise e on e.credit_code = m.credit_code
        where i.division_code is null or e.division_code = i.division_code`,
      [JSON.stringify(named.map((s) => ({ source_id: s.input.sourceId, keys: this.standardiser.nameKeys(s.name!), division_code: s.divisionCode })))],
    );
    const found = new Set(byKey.rows.map((r) => r.source_id));
    const rest = named.filter((s) => !found.has(s.input.sourceId));
    if (!rest.length) return byKey;
    const byTrigram = await client.query<Row>(
      `select i.source_id, c.credit_code, c.name, c.address, c.division_code
         from jsonb_to_recordset($1::jsonb) as i(source_id text, name text, core text, division_code text)
         cross join lateral (
           select e.credit_code, e.name, e.address, e.division_code
             from enterprise e
            where (i.division_code is null or e.division_code = i.division_code)
              and (e.name % i.name or i.core <% e.name)
            order by greatest(similarity(e.name, i.name), word_similarity(i.core, e.name)) desc, e.credit_code
            limit $2) c`,
      [
        JSON.stringify(
          rest.map((s) => ({
            source_id: s.input.sourceId,
            name: NameStandardiser.fold(s.name!),
            core: this.standardiser.standardise(s.name!).core || s.name,
            division_code: s.divisionCode,
          })),
        ),
        this.opts.keep ?? 5,
      ],
    );
    return { rows: [...byKey.rows, ...byTrigram.rows] };
  }

  /**
   * Resolves `inputs` (a page's records needing it) and writes links and queue
   * entries; returns each record's outcome by source id.
   */
  async resolve(client: Pick<PoolClient, 'query'>, connectorId: string, inputs: readonly ResolutionInput[]): Promise<Map<string, ResolutionOutcome>> {
    const out = new Map<string, ResolutionOutcome>();
    if (!inputs.length) return out;
    const staged = inputs.map((i) => this.stage(i));
    const links: { s: Staged; creditCode: string; key: LinkKey; probability: number; detail: string; reasons?: unknown; decidedBy?: string | null }[] = [];
    const open = new Map<string, Staged>(staged.map((s) => [s.input.sourceId, s]));

    // 1. What stewards said: a link of this record, a decision for its source identity.
    const decisions = await client.query<{
      source_id: string;
      linked: string | null;
      linked_by: string | null;
      decided: string | null;
      decided_by: string | null;
      rejected: string[] | null;
    }>(
      `select i.source_id, l.credit_code as linked, l.decided_by as linked_by, d.credit_code as decided, d.decided_by, d.rejected_codes as rejected
         from jsonb_to_recordset($2::jsonb) as i(source_id text, identity_key text)
         left join entity_link l on l.connector_id = $1 and l.source_id = i.source_id and l.key = 'STEWARD'
         left join resolution_decision d on d.connector_id = $1 and d.identity_key = i.identity_key
        where l.source_id is not null or d.identity_key is not null`,
      [connectorId, JSON.stringify(staged.map((s) => ({ source_id: s.input.sourceId, identity_key: s.identityKey })))],
    );
    const rejected = new Map<string, Set<string>>();
    const remembered = new Map<string, { code: string; by: string }>();
    for (const r of decisions.rows) {
      if (r.rejected?.length) rejected.set(r.source_id, new Set(r.rejected));
      const s = open.get(r.source_id)!;
      if (r.linked) {
        links.push({ s, creditCode: r.linked, key: 'STEWARD', probability: 1, detail: `linked by steward ${r.linked_by}`, decidedBy: r.linked_by });
        open.delete(r.source_id);
      } else if (r.decided) remembered.set(r.source_id, { code: r.decided, by: r.decided_by! });
    }
    const allowed = (s: Staged, code: string) => !rejected.get(s.input.sourceId)?.has(code);

    // 2. Organisation code → the enterprise whose credit code embeds it (one statement for the page).
    const lookup = async (key: 'ORG_CODE' | 'REGISTRATION_NO', value: (s: Staged) => string | null, says: KeyWording) => {
      const withKey = [...open.values()].filter((s) => value(s));
      if (!withKey.length) return;
      const hits = await lookupByKey(
        client,
        key,
        withKey.map((s) => ({ source_id: s.input.sourceId, value: value(s)! })),
      );
      for (const s of withKey) {
        const codes = (hits.get(s.input.sourceId) ?? []).filter((c) => allowed(s, c));
        if (codes.length === 1) {
          links.push({ s, creditCode: codes[0], key, probability: 1, detail: says.one(value(s)!, codes[0]) });
          open.delete(s.input.sourceId);
        } else s.tried.push(codes.length === 0 ? says.none(value(s)!) : says.many(value(s)!, codes));
      }
    };
    await lookup('ORG_CODE', (s) => s.orgCode, {
      one: (v, c) => `organisation code ${v} is embedded in ${c}`,
      none: (v) => `no registered enterprise embeds organisation code ${v}`,
      many: (v, cs) => `organisation code ${v} is embedded in ${cs.length} credit codes (${cs.join(', ')})`,
    });

    // 3. Permit number → its credit-code prefix (arithmetic, no lookup).
    for (const s of [...open.values()]) {
      if (!s.permitCode) continue;
      if (allowed(s, s.permitCode)) {
        links.push({
          s,
          creditCode: s.permitCode,
          key: 'PERMIT_NO',
          probability: 1,
          detail: `permit number ${s.input.identity?.permitNo?.trim()} begins with ${s.permitCode}`,
        });
        open.delete(s.input.sourceId);
      } else s.tried.push(`a steward rejected ${s.permitCode}, the credit code of its permit number`);
    }

    // 4. Registration number → the enterprise the permit system records it for (one statement for the page).
    await lookup('REGISTRATION_NO', (s) => s.registrationNo, {
      one: (v, c) => `registration number ${v} is recorded for ${c} by the permit system`,
      none: (v) => `registration number ${v} is not known to the permit system`,
      many: (v, cs) => `registration number ${v} is recorded for ${cs.length} enterprises (${cs.join(', ')})`,
    });

    // 5. A steward's decision for the same source identity.
    for (const s of [...open.values()]) {
      const d = remembered.get(s.input.sourceId);
      if (!d || !allowed(s, d.code)) continue;
      links.push({ s, creditCode: d.code, key: 'STEWARD', probability: 1, detail: `steward ${d.by} decided ${s.identityKey} is ${d.code}`, decidedBy: d.by });
      open.delete(s.input.sourceId);
    }

    // 6. Similarity of the standardised name (and address), blocked by county.
    const queue: { s: Staged; probability: number; why: string; candidates: ScoredCandidate[]; division: string | null }[] = [];
    const named = [...open.values()].filter((s) => s.name);
    if (named.length) {
      const res = await this.candidates(client, named);
      const bySource = new Map<string, { creditCode: string; name: string; address: string | null; divisionCode: string }[]>();
      for (const r of res.rows) {
        const list = bySource.get(r.source_id) ?? [];
        list.push({ creditCode: r.credit_code, name: r.name, address: r.address, divisionCode: r.division_code });
        bySource.set(r.source_id, list);
      }
      for (const s of named) {
        const found = bySource.get(s.input.sourceId) ?? [];
        const candidates = found.filter((c) => allowed(s, c.creditCode));
        const score = (cs: typeof found) => scoreCandidates({ name: s.name!, address: s.address }, cs, this.standardiser, this.opts.weights ?? DEFAULT_WEIGHTS);
        const scored = score(candidates);
        let d = decide(scored, this.opts.thresholds, this.opts.keep ?? 5);
        // An enterprise a steward rejected still competes: what scores about as high as it is no automatic link either.
        const [rejectedBest] = d.outcome === 'LINK' && candidates.length < found.length ? score(found.filter((c) => !allowed(s, c.creditCode))) : [];
        if (d.outcome === 'LINK' && rejectedBest && logOdds(d.candidates[0]) - logOdds(rejectedBest) < (this.opts.thresholds.margin ?? DEFAULT_LINK_MARGIN))
          d = {
            outcome: 'QUARANTINE',
            probability: d.probability,
            candidates: d.candidates,
            why: `a steward rejected ${rejectedBest.creditCode}, which scores as high (${rejectedBest.probability})`,
          };
        if (d.outcome === 'LINK') {
          links.push({
            s,
            creditCode: d.creditCode,
            key: 'SIMILARITY',
            probability: d.probability,
            detail: `name '${s.name}' matches with probability ${d.probability}`,
            reasons: d.candidates[0].reasons,
          });
          open.delete(s.input.sourceId);
        } else if (d.outcome === 'REVIEW') {
          const best = candidates.find((c) => c.creditCode === d.candidates[0].creditCode);
          queue.push({ s, probability: d.probability, why: d.why, candidates: d.candidates, division: s.divisionCode ?? best?.divisionCode ?? null });
          open.delete(s.input.sourceId);
        } else {
          s.tried.push(
            `name '${s.name}'${s.divisionCode ? ` in county ${s.divisionCode}` : ''}: ${d.why}${d.candidates.length ? `; best candidates ${d.candidates.map((c) => `${c.creditCode} ${c.name} (${c.probability})`).join(', ')}` : ''}`,
          );
        }
      }
    }

    if (links.length) {
      await client.query(
        `with x as (
           select * from jsonb_to_recordset($2::jsonb)
             as x(source_id text, identity_key text, credit_code text, key text, probability float8, reasons jsonb, decided_by text)
         ), up as (
           insert into entity_link (connector_id, source_id, identity_key, credit_code, key, probability, reasons, decided_by)
           select $1, source_id, identity_key, credit_code, key, probability, reasons, decided_by from x
           on conflict (connector_id, source_id) do update
             set identity_key = excluded.identity_key, credit_code = excluded.credit_code, key = excluded.key,
                 probability = excluded.probability, reasons = excluded.reasons, decided_by = excluded.decided_by,
                 linked_at = case when entity_link.credit_code = excluded.credit_code and entity_link.key = excluded.key then entity_link.linked_at else now() end
             where (entity_link.credit_code, entity_link.key, entity_link.identity_key, entity_link.probability)
                   is distinct from (excluded.credit_code, excluded.key, excluded.identity_key, excluded.probability)
         )
         update resolution_queue q set status = 'LINKED', credit_code = x.credit_code, decided_at = now(), decided_by = coalesce(x.decided_by, 'hub:' || x.key)
           from x where q.connector_id = $1 and q.source_id = x.source_id and q.status = 'OPEN'`,
        [
          connectorId,
          JSON.stringify(
            links.map((l) => ({
              source_id: l.s.input.sourceId,
              identity_key: l.s.identityKey,
              credit_code: l.creditCode,
              key: l.key,
              probability: l.probability,
              reasons: l.reasons ?? [{ factor: l.key, detail: l.detail }],
              decided_by: l.key === 'STEWARD' ? (l.decidedBy ?? 'steward') : null,
            })),
          ),
        ],
      );
    }
    if (queue.length) {
      await client.query(
        `insert into resolution_queue (connector_id, source_id, identity_key, division_code, payload, best_probability, candidates)
         select $1, x.source_id, x.identity_key, (select d.code from division d where d.code = x.division_code), x.payload, x.probability, x.candidates
           from jsonb_to_recordset($2::jsonb) as x(source_id text, identity_key text, division_code text, payload jsonb, probability float8, candidates jsonb)
         on conflict (connector_id, source_id) where status = 'OPEN' do update
           set identity_key = excluded.identity_key, division_code = excluded.division_code, payload = excluded.payload,
               best_probability = excluded.best_probability, candidates = excluded.candidates`,
        [
          connectorId,
          JSON.stringify(
            queue.map((q) => ({
              source_id: q.s.input.sourceId,
              identity_key: q.s.identityKey,
              division_code: q.division,
              payload: { ...(q.s.input.payload as object), why: q.why },
              probability: q.probability,
              candidates: q.candidates,
            })),
          ),
        ],
      );
    }
    // A record that no longer links (its identifiers changed) keeps no automatic link.
    const unlinked = [...queue.map((q) => q.s), ...open.values()].map((s) => s.input.sourceId);
    if (unlinked.length)
      await client.query(`delete from entity_link where connector_id = $1 and source_id = any($2::text[]) and key <> 'STEWARD'`, [connectorId, unlinked]);

    for (const l of links)
      out.set(l.s.input.sourceId, { outcome: 'LINKED', creditCode: l.creditCode, key: l.key, probability: l.probability, detail: l.detail });
    for (const q of queue) out.set(q.s.input.sourceId, { outcome: 'QUEUED', probability: q.probability, why: q.why, candidates: q.candidates });
    for (const s of open.values()) {
      if (!s.name && !s.tried.length) s.tried.push('the record carries no credit code, organisation code, permit number or enterprise name');
      else if (!s.name) s.tried.push('no enterprise name to compare');
      out.set(s.input.sourceId, { outcome: 'QUARANTINED', reason: `no enterprise identified: ${s.tried.join('; ')}` });
    }
    return out;
  }
}
