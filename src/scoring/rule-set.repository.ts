import { Pool, PoolClient } from 'pg';
import { RuleDefinition, RuleSetDefinition, RuleSetValidationError, bundledRuleSetVersions, readBundledRuleSet, validateRuleSet } from './rule-set.model';
import { ClientError } from '../domain/client-error';
import { VersionedDocuments } from '../db/versioned-documents';

/** A stored rule set with its state. */
export interface StoredRuleSet {
  version: string;
  title: string | null;
  fullMarks: number;
  windowDays: number;
  riskThresholds: { low: number; medium: number };
  rules: RuleDefinition[];
  active: boolean;
  loadedAt: Date;
  activatedAt: Date | null;
}

/** Thrown when a rule-set version does not exist. */
export class UnknownRuleSetError extends ClientError {}

type Queryable = Pool | PoolClient;

const COLUMNS = `version, title, full_marks as "fullMarks", window_days as "windowDays", risk_low_min as "low",
  risk_medium_min as "medium", definition, active, loaded_at as "loadedAt", activated_at as "activatedAt"`;

/** A `rule_set` row as {@link COLUMNS} selects it. */
type RuleSetRow = Omit<StoredRuleSet, 'riskThresholds' | 'rules'> & { low: number; medium: number; definition: unknown };

function toStored(r: RuleSetRow): StoredRuleSet {
  const def = r.definition as RuleSetDefinition;
  return {
    version: r.version,
    title: r.title,
    fullMarks: r.fullMarks,
    windowDays: r.windowDays,
    riskThresholds: { low: r.low, medium: r.medium },
    rules: def.rules,
    active: r.active,
    loadedAt: r.loadedAt,
    activatedAt: r.activatedAt,
  };
}

/** JSON with object keys sorted (jsonb does not keep key order). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * The versioned rule sets in `rule_set` / `rule`. A version, once loaded, is
 * immutable: loading the same definition again is a no-op, loading a
 * different one under an existing version is refused.
 */
export class RuleSetRepository extends VersionedDocuments<StoredRuleSet> {
  constructor(pool: Pool) {
    super(pool, {
      table: 'rule_set',
      columns: COLUMNS,
      toStored,
      // Exactly one is active; SD-2021 after migration.
      noneActive: 'no active rule set: run the migrations (they seed and activate SD-2021)',
      unknown: (version) => new UnknownRuleSetError(`rule set '${version}' is not loaded`),
    });
  }

  /** The version that was active at an instant (the earliest one when none was yet). */
  async activeAt(at: Date, db: Queryable = this.pool): Promise<StoredRuleSet> {
    const res = await db.query<{ version: string }>(
      `select coalesce(
         (select version from rule_set_activation where activated_at <= $1 order by activated_at desc limit 1),
         (select version from rule_set_activation order by activated_at limit 1),
         (select version from rule_set where active)) as version`,
      [at],
    );
    return this.get(res.rows[0].version, db);
  }

  /** Validates and stores a new version (not active). Returns the stored rule set. */
  async load(input: unknown): Promise<StoredRuleSet> {
    const def = validateRuleSet(input);
    const existing = await this.pool.query<{ definition: RuleSetDefinition }>(`select definition from rule_set where version = $1`, [def.version]);
    if (existing.rows[0]) {
      if (canonicalJson(existing.rows[0].definition) === canonicalJson(def)) return this.get(def.version);
      throw new RuleSetValidationError(`rule set '${def.version}' is already loaded with a different definition; versions are immutable, use a new version`);
    }
    await this.pool.query(`select load_rule_set($1::jsonb)`, [JSON.stringify(def)]);
    return this.get(def.version);
  }

  /**
   * The start-up loader (idempotent): stores every rule set the hub ships
   * (`src/scoring/rule-sets/*.json`) that is not loaded yet. Activation stays an
   * operation (`hub rescore --activate`); the migrations activated SD-2021.
   */
  async seedBundled(): Promise<void> {
    for (const version of bundledRuleSetVersions()) await this.load(readBundledRuleSet(version));
  }

  /** Makes `version` the active one (inside the caller's transaction) and records the activation. */
  async markActive(client: PoolClient, version: string): Promise<void> {
    await this.get(version, client);
    await client.query(`update rule_set set active = false where active and version <> $1`, [version]);
    await client.query(`update rule_set set active = true, activated_at = now() where version = $1`, [version]);
    await client.query(`insert into rule_set_activation (version) values ($1)`, [version]);
  }
}
