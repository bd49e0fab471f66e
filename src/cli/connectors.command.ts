import fs from 'node:fs';
import path from 'node:path';
import { HubServices } from '../app/hub-services';
import { projectRoot } from '../config/project-root';
import { resolveConfig } from '../connectors/connector.types';
import { HttpClient } from '../connectors/http.client';
import { DeclarativeDefinitionError } from '../connectors/declarative/declarative-definition.validator';
import { HubRuntime } from '../app/hub-runtime';

/** Declarative connectors the project ships as examples; `hub start` registers them so the demo has every system. */
export const SHIPPED_DECLARATIVE_FILES = ['connectors/credit-rating.declarative.json'];

function readDefinition(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new DeclarativeDefinitionError([`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DeclarativeDefinitionError([`${file} is not valid JSON: ${(e as Error).message}`]);
  }
}

/**
 * `hub connectors register FILE`: validates a declarative connector
 * description (JSON, the shape of GraphQL's DeclarativeConnectorInput) and
 * stores it. Prints every problem, each naming its field, and exits 2 when invalid.
 */
export async function cmdRegisterConnector(hub: HubRuntime, file: string): Promise<number> {
  try {
    const { id, definition, created } = await hub.services.declarativeConnectors.register(readDefinition(path.resolve(file)));
    console.log(
      `${created ? 'registered' : 'updated'} declarative connector '${id}' (${definition.recordKind} from ${definition.baseUrl ?? 'HUB_SOURCES_URL'}${definition.path}, schedule ${definition.schedule ?? 'manual'})`,
    );
    const [view] = await hub.services.connectorAdmin.list([id]);
    console.log(`config (secrets hidden): ${JSON.stringify(view.config)}`);
    const { connector, row } = await hub.services.connectors.resolve(hub.db, id);
    const config = resolveConfig(connector.manifest, row.config);
    const check = await connector.check({
      http: new HttpClient({ maxAttempts: 2, timeoutMs: 5000 }),
      baseUrl: String(config.baseUrl ?? hub.config.sourcesUrl).replace(/\/+$/, ''),
      config,
      cursor: null,
      log: () => undefined,
      now: new Date(),
    });
    console.log(`check: ${check.ok ? 'ok' : 'FAILED'} — ${check.message}`);
    return 0;
  } catch (e) {
    if (e instanceof DeclarativeDefinitionError) {
      console.error(`${file} is not a valid connector definition:\n${e.problems.map((p) => `  - ${p}`).join('\n')}`);
      return 2;
    }
    throw e;
  }
}

/** Registers the shipped declarative connectors that are not registered yet (a steward's later changes are kept). */
export async function registerShippedConnectors(services: HubServices): Promise<string[]> {
  const added: string[] = [];
  for (const rel of SHIPPED_DECLARATIVE_FILES) {
    const def = readDefinition(path.join(projectRoot(), rel)) as { id?: string };
    const exists = await services.db.pool.query(`select 1 from connector where id = $1`, [def.id]);
    if (exists.rowCount) continue;
    await services.declarativeConnectors.register(def);
    added.push(String(def.id));
  }
  return added;
}
