import fs from 'node:fs';
import path from 'node:path';
import { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db/database';
import { VersionedDocuments } from '../db/versioned-documents';
import { ClientError } from '../domain/client-error';
import { WARNING_TYPES, WARNING_TYPE_INFO } from '../domain/vocabulary';
import { canonicalJson } from '../scoring/rule-set.repository';
import {
  DEFAULT_WARNING_PARAMETERS_VERSION,
  WarningParameterSetDefinition,
  WarningParameterValidationError,
  bundledWarningParametersDir,
  validateWarningParameters,
} from './warning-parameters.model';

/** A stored warning parameter set with its state. */
export interface StoredWarningParameters extends WarningParameterSetDefinition {
  active: boolean;
  loadedAt: Date;
  activatedAt: Date | null;
}

/** Thrown when a parameter-set version does not exist. */
export class UnknownWarningParametersError extends ClientError {}

type Queryable = Pool | PoolClient;

const COLUMNS = `version, definition, active, loaded_at as "loadedAt", activated_at as "activatedAt"`;

function toStored(r: {
  version: string;
  definition: WarningParameterSetDefinition;
  active: boolean;
  loadedAt: Date;
  activatedAt: Date | null;
}): StoredWarningParameters {
  return { ...r.definition, version: r.version, active: r.active, loadedAt: r.loadedAt, activatedAt: r.activatedAt };
}

/**
 * The versioned warning parameters in `warning_parameter_set` (detector
 * numbers and severities are data, like the rule set). A version, once
 * loaded, is immutable: loading the same definition again is a no-op, a
 * different one under an existing version is refused. Exactly one version is
 * active; the detectors read it at the start of every pass.
 */
export class WarningParameterRepository extends VersionedDocuments<StoredWarningParameters> {
  constructor(pool: Pool) {
    super(pool, {
      table: 'warning_parameter_set',
      columns: COLUMNS,
      toStored,
      noneActive: 'no active warning parameter set: run `hub migrate` (it loads and activates the bundled one)',
      unknown: (version) => new UnknownWarningParametersError(`warning parameter set '${version}' is not loaded`),
    });
  }

  /** Validates and stores a version (not active); the same definition again is a no-op. */
  async load(input: unknown, db: Queryable = this.pool): Promise<StoredWarningParameters> {
    const def = validateWarningParameters(input);
    const existing = await db.query<{ definition: unknown }>(`select definition from warning_parameter_set where version = $1`, [def.version]);
    if (existing.rows[0]) {
      if (canonicalJson(existing.rows[0].definition) === canonicalJson(def)) return this.get(def.version, db);
      throw new WarningParameterValidationError(
        `warning parameter set '${def.version}' is already loaded with a different definition; versions are immutable, use a new version`,
      );
    }
    await db.query(`insert into warning_parameter_set (version, title, definition) values ($1, $2, $3::jsonb) on conflict (version) do nothing`, [
      def.version,
      def.title ?? null,
      JSON.stringify(def),
    ]);
    return this.get(def.version, db);
  }

  /** Makes `version` the active one; the next detection pass uses it. */
  activate(version: string): Promise<StoredWarningParameters> {
    return withTransaction(this.pool, async (client) => {
      await client.query(`select pg_advisory_xact_lock(hashtext('hub-warnings'))`);
      await this.get(version, client);
      await client.query(`update warning_parameter_set set active = false where active and version <> $1`, [version]);
      await client.query(`update warning_parameter_set set active = true, activated_at = now() where version = $1 and not active`, [version]);
      return this.get(version, client);
    });
  }

  /**
   * The start-up loader (idempotent, safe on many replicas at once): writes
   * the warning types of the domain vocabulary into `warning_type`, loads every
   * parameter set the hub ships, and activates the default one when none is
   * active yet.
   */
  async seedBundled(): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await client.query(`select pg_advisory_xact_lock(hashtext('hub-seed-warning-parameters'))`);
      await client.query(
        `insert into warning_type (code, description, position) select * from unnest($1::text[], $2::text[], $3::int[])
         on conflict (code) do update set description = excluded.description, position = excluded.position
          where (warning_type.description, warning_type.position) is distinct from (excluded.description, excluded.position)`,
        [WARNING_TYPES, WARNING_TYPES.map((t) => WARNING_TYPE_INFO[t]), WARNING_TYPES.map((_, i) => i + 1)],
      );
      const dir = bundledWarningParametersDir();
      for (const f of fs
        .readdirSync(dir)
        .filter((n) => n.endsWith('.json'))
        .sort()) {
        await this.load(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')), client);
      }
      await client.query(
        `update warning_parameter_set set active = true, activated_at = now()
                           where version = $1 and not exists (select 1 from warning_parameter_set where active)`,
        [DEFAULT_WARNING_PARAMETERS_VERSION],
      );
    });
  }
}
