import { Database } from '../../db/database';
import { ConnectorRegistry } from '../connector.registry';
import { DeclarativeConnectorDefinition } from './declarative-definition.types';
import { DeclarativeDefinitionError, validateDeclarativeInput } from './declarative-definition.validator';

/**
 * Registers stewards' declarative connectors: validates the description,
 * stores it in `connector` (kind `declarative`, definition jsonb) with secret
 * header values in its config, and makes it runnable by the SyncRunner.
 */
export class DeclarativeConnectorService {
  constructor(
    private readonly db: Database,
    private readonly registry: ConnectorRegistry,
  ) {}

  /**
   * Registers (or re-registers, keeping its cursor and run history) a
   * declarative connector. Throws {@link DeclarativeDefinitionError} naming
   * every bad field.
   */
  async register(input: unknown): Promise<{ id: string; definition: DeclarativeConnectorDefinition; created: boolean }> {
    const reservedIds = this.registry.codeConnectors().map((c) => c.manifest.id);
    const { definition, secrets } = validateDeclarativeInput(input, { reservedIds });
    const res = await this.db.pool.query<{ created: boolean }>(
      `insert into connector (id, kind, title, owner, schedule, enabled, definition, config)
       values ($1, 'declarative', $2, $3, $4, $5, $6::jsonb, $7::jsonb)
       on conflict (id) do update set title = excluded.title, owner = excluded.owner, schedule = excluded.schedule,
         enabled = excluded.enabled, definition = excluded.definition, config = connector.config || excluded.config, updated_at = now()
         where connector.kind = 'declarative'
       returning (xmax = 0) as created`,
      [definition.id, definition.title, definition.owner, definition.schedule, definition.enabled, JSON.stringify(definition), JSON.stringify(secrets)],
    );
    if (!res.rows.length) throw new DeclarativeDefinitionError([`id '${definition.id}' belongs to a code connector; choose another id`]);
    return { id: definition.id, definition, created: res.rows[0].created };
  }
}
