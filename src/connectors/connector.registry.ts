import { Database } from '../db/database';
import { ConnectorEntity } from '../db/entities';
import { checkManifest } from './connector-manifest.schema';
import { SourceConnector } from './connector.types';
import { ClientError } from '../domain/client-error';

/** No connector is registered under the id asked for (`hub sync --connector X`, `runConnector(id)`). */
export class NoSuchConnectorError extends ClientError {
  override readonly code = 'NOT_FOUND';
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
  async resolve(db: Database, id: string): Promise<{ connector: SourceConnector; row: ConnectorEntity }> {
    const em = db.orm.em.fork();
    // From the primary: a connector registered a moment ago must already run.
    const row = await em.findOne(ConnectorEntity, { id }, { connectionType: 'write' });
    if (!row) throw new NoSuchConnectorError(`no connector with id '${id}'; known: ${(await this.listIds(db)).join(', ')}`, { value: id });
    return { connector: this.connectorOf(row), row };
  }

  /** The runnable connector of a stored row already read (no query). */
  connectorOf(row: Pick<ConnectorEntity, 'id' | 'kind' | 'definition'>): SourceConnector {
    if (row.kind === 'code') {
      const c = this.code.get(row.id);
      if (!c) throw new Error(`connector '${row.id}' is registered as code but this build has no such connector`);
      return c;
    }
    if (!this.declarativeFactory) throw new Error(`connector '${row.id}' is declarative but no declarative runtime is installed`);
    return this.declarativeFactory(row.id, row.definition);
  }

  async listIds(db: Database): Promise<string[]> {
    const res = await db.pool.query<{ id: string }>('select id from connector order by id');
    return res.rows.map((r) => r.id);
  }
}
