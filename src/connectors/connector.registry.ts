import { Database } from '../db/database';
import { checkManifest } from './connector-manifest.schema';
import { SourceConnector } from './connector.types';
import { ClientError } from '../domain/client-error';

/** No connector is registered under the id asked for (`hub sync --connector X`, `runConnector(id)`). */
export class NoSuchConnectorError extends ClientError {
  override readonly code = 'NOT_FOUND';
}

/** A row of `connector` as the runner and the steward's view read it. */
export interface ConnectorRow {
  id: string;
  /** `code` or `declarative`. */
  kind: string;
  title: string;
  owner: string | null;
  /** Cron expression (node-cron syntax), or null for manual runs only. */
  schedule: string | null;
  enabled: boolean;
  /** The declarative definition (declarative connectors only). */
  definition: unknown;
  /** Connector configuration; secrets are kept here but never returned by the API. */
  config: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** Builds a runnable connector from a stored declarative definition. */
export type DeclarativeFactory = (id: string, definition: unknown) => SourceConnector;

/**
 * Knows every connector: the code connectors compiled into the hub and the
 * declarative ones stewards registered in the database.
 */
export class ConnectorRegistry {
  private readonly code = new Map<string, SourceConnector>();
  private declarativeFactory?: DeclarativeFactory;

  /** Throws `ConnectorManifestError` when a code connector's manifest breaks the contract (`connectorManifestSchema`). */
  constructor(codeConnectors: SourceConnector[]) {
    for (const c of codeConnectors) this.code.set(checkManifest(c.manifest).id, c);
  }

  /** Installs the factory that turns declarative definitions into connectors. */
  useDeclarativeFactory(factory: DeclarativeFactory): void {
    this.declarativeFactory = factory;
  }

  codeConnectors(): SourceConnector[] {
    return [...this.code.values()];
  }

  /** Makes sure every code connector has its row (steward changes to schedule/enabled are kept). */
  async ensureRegistered(db: Database): Promise<void> {
    const rows = this.codeConnectors().map((c) => ({ id: c.manifest.id, title: c.manifest.title, owner: c.manifest.owner, schedule: c.manifest.schedule }));
    await db.pool.query(
      `insert into connector (id, kind, title, owner, schedule)
       select id, 'code', title, owner, schedule from jsonb_to_recordset($1::jsonb) as x(id text, title text, owner text, schedule text)
       on conflict (id) do update set title = excluded.title, owner = excluded.owner`,
      [JSON.stringify(rows)],
    );
  }

  /** The runnable connector with this id and its stored row; throws when unknown. */
  async resolve(db: Pick<Database, 'pool'>, id: string): Promise<{ connector: SourceConnector; row: ConnectorRow }> {
    // From the primary: a connector registered a moment ago must already run.
    const res = await db.pool.query<ConnectorRow>({
      name: 'connector-by-id',
      text: `select id, kind, title, owner, schedule, enabled, definition, config, created_at as "createdAt", updated_at as "updatedAt" from connector where id = $1`,
      values: [id],
    });
    const row = res.rows[0];
    if (!row) throw new NoSuchConnectorError(`no connector with id '${id}'; known: ${(await this.listIds(db)).join(', ')}`, { value: id });
    return { connector: this.connectorOf(row), row };
  }

  /** The runnable connector of a stored row already read (no query). */
  connectorOf(row: Pick<ConnectorRow, 'id' | 'kind' | 'definition'>): SourceConnector {
    if (row.kind === 'code') {
      const c = this.code.get(row.id);
      if (!c) throw new Error(`connector '${row.id}' is registered as code but this build has no such connector`);
      return c;
    }
    if (!this.declarativeFactory) throw new Error(`connector '${row.id}' is declarative but no declarative runtime is installed`);
    return this.declarativeFactory(row.id, row.definition);
  }

  async listIds(db: Pick<Database, 'pool'>): Promise<string[]> {
    const res = await db.pool.query<{ id: string }>('select id from connector order by id');
    return res.rows.map((r) => r.id);
  }
}
