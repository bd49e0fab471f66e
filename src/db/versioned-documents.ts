import { Pool, PoolClient } from 'pg';

type Queryable = Pool | PoolClient;

/** What a table of versioned documents (rule sets, warning parameter sets) is read by. */
export interface VersionedTable<S> {
  /** The table, with columns `version`, `active` and `loaded_at`. */
  table: string;
  /** The select list a stored document is read with. */
  columns: string;
  toStored(row: never): S;
  /** The error when no version is active (the migrations were not run). */
  noneActive: string;
  /** The error when `version` is not loaded. */
  unknown(version: string): Error;
}

/**
 * The reads every table of versioned documents answers alike: the active version (exactly one is),
 * one version, and every version in the order they were loaded.
 */
export class VersionedDocuments<S> {
  constructor(
    protected readonly pool: Pool,
    private readonly spec: VersionedTable<S>,
  ) {}

  /** The active version. */
  async active(db: Queryable = this.pool): Promise<S> {
    const res = await db.query(`select ${this.spec.columns} from ${this.spec.table} where active`);
    if (!res.rows[0]) throw new Error(this.spec.noneActive);
    return this.spec.toStored(res.rows[0] as never);
  }

  /** One loaded version. */
  async get(version: string, db: Queryable = this.pool): Promise<S> {
    const res = await db.query(`select ${this.spec.columns} from ${this.spec.table} where version = $1`, [version]);
    if (!res.rows[0]) throw this.spec.unknown(version);
    return this.spec.toStored(res.rows[0] as never);
  }

  /** Every loaded version, oldest load first. */
  async list(): Promise<S[]> {
    const res = await this.pool.query(`select ${this.spec.columns} from ${this.spec.table} order by loaded_at, version`);
    return res.rows.map((r) => this.spec.toStored(r as never));
  }
}
