import { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db/database';
import { takeDeriveMarks } from '../db/derive-marks';
import { canonicalJson } from '../scoring/rule-set.repository';
import { TagCatalogueDefinition, TagCatalogueValidationError, catalogueSeedSql, readBundledTagCatalogue, validateTagCatalogue } from './tag-catalogue.model';
import { pruneTagsSql, retagSql } from './tag-derivation.query';

/** What loading a catalogue did. */
export interface TagCatalogueLoadSummary {
  version: string;
  /** False when the version was already the active one (nothing changed). */
  activated: boolean;
  /** Enterprises re-derived, and how many of them changed tags (0 when not activated). */
  enterprises: number;
  changed: number;
  durationMs: number;
}

/** A stored catalogue version. */
export interface StoredTagCatalogue {
  version: string;
  active: boolean;
  loadedAt: Date;
  activatedAt: Date | null;
  definition: TagCatalogueDefinition;
}

/**
 * The versioned tag catalogues in `tag_catalogue` (categories, tags and their
 * derivation rules are data). A version is immutable once loaded. Loading one
 * makes it active in a single transaction: categories and tags upserted by
 * code (ids stay stable, manual tags and audit keep their references), the
 * rules replaced by the document's, and every enterprise re-derived.
 */
export class TagCatalogueRepository {
  constructor(private readonly pool: Pool) {}

  async active(db: Pool | PoolClient = this.pool): Promise<StoredTagCatalogue | null> {
    const r = await db.query<StoredTagCatalogue>(
      `select version, active, loaded_at as "loadedAt", activated_at as "activatedAt", definition from tag_catalogue where active`,
    );
    return r.rows[0] ?? null;
  }

  async list(): Promise<StoredTagCatalogue[]> {
    const r = await this.pool.query<StoredTagCatalogue>(
      `select version, active, loaded_at as "loadedAt", activated_at as "activatedAt", definition from tag_catalogue order by loaded_at, version`,
    );
    return r.rows;
  }

  /** Validates, stores and activates a catalogue (`hub tags load FILE`); the active version again is a no-op. */
  load(input: unknown): Promise<TagCatalogueLoadSummary> {
    const doc = validateTagCatalogue(input);
    return withTransaction(this.pool, (client) => this.loadIn(client, doc, true));
  }

  private async loadIn(client: PoolClient, doc: TagCatalogueDefinition, activate: boolean): Promise<TagCatalogueLoadSummary> {
    const t = Date.now();
    // Serialised with itself and with manual tag changes' retag of one enterprise (they read tag_rule).
    await client.query(`select pg_advisory_xact_lock(hashtext('hub-tag-catalogue'))`);
    const existing = await client.query<{ definition: unknown; active: boolean }>(`select definition, active from tag_catalogue where version = $1`, [
      doc.version,
    ]);
    const none = { version: doc.version, activated: false, enterprises: 0, changed: 0 };
    if (existing.rows[0]) {
      if (canonicalJson(existing.rows[0].definition) !== canonicalJson(doc)) {
        throw new TagCatalogueValidationError(
          `tag catalogue '${doc.version}' is already loaded with a different definition; versions are immutable, use a new version`,
        );
      }
      if (existing.rows[0].active || !activate) return { ...none, durationMs: Date.now() - t };
    } else {
      await client.query(`insert into tag_catalogue (version, definition) values ($1, $2::jsonb)`, [doc.version, JSON.stringify(doc)]);
      if (!activate) return { ...none, durationMs: Date.now() - t };
    }
    // A full retag follows in this transaction: serialised with the other retags, and it settles their pending marks.
    await client.query(`select pg_advisory_xact_lock(hashtext('hub-retag'))`);
    await takeDeriveMarks(client, 'tags');
    for (const sql of catalogueSeedSql(doc)) await client.query(sql);
    await client.query(`update tag_catalogue set active = false, activated_at = activated_at where active and version <> $1`, [doc.version]);
    await client.query(`update tag_catalogue set active = true, activated_at = now() where version = $1`, [doc.version]);
    const r = await client.query<{ enterprises: number; changed: number }>(retagSql('all'));
    await client.query(pruneTagsSql);
    return { version: doc.version, activated: true, ...r.rows[0], durationMs: Date.now() - t };
  }

  /**
   * The start-up loader (idempotent): records the catalogue the hub ships as a
   * version, and activates it only when no catalogue is active yet. A newer
   * shipped catalogue is activated by `hub tags load src/tags/tag-catalogue.json`.
   */
  async seedBundled(): Promise<void> {
    const doc = readBundledTagCatalogue();
    await withTransaction(this.pool, async (client) => {
      const hasActive = (await this.active(client)) !== null;
      await this.loadIn(client, doc, !hasActive);
    });
  }
}
