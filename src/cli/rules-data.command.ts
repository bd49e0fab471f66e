import fs from 'node:fs';
import { openHub, withHub } from '../app/hub-runtime';

/** Usage of the commands that load versioned rules data. */
export const RULES_DATA_USAGE = `  hub tags load FILE                load a tag catalogue version (categories, tags, derivation rules) from JSON,
                                    make it active and re-derive every enterprise's tags
  hub warnings load FILE            load a warning parameter version (detector numbers, severities) from JSON
                                    and make it active for the next detection pass`;

/**
 * `hub <command> load FILE`: reads the JSON file, opens the hub, hands both to `load`
 * (which prints what it did) and shuts the hub down; returns the exit status.
 */
async function runLoadCommand(
  command: string,
  args: string[],
  load: (hub: Awaited<ReturnType<typeof openHub>>, doc: unknown) => Promise<void>,
): Promise<number> {
  const [sub, file] = args;
  if (sub !== 'load') throw new Error(`hub ${command}: unknown subcommand '${sub ?? ''}' (hub ${command} load FILE)`);
  if (!file) throw new Error(`hub ${command} load needs a FILE`);
  const doc: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  return withHub(async (hub) => {
    await load(hub, doc);
    return 0;
  });
}

/** `hub tags load FILE`: returns the exit status. */
export function runTagsCommand(args: string[]): Promise<number> {
  return runLoadCommand('tags', args, async (hub, doc) => {
    const s = await hub.services.tags.loadCatalogue(doc);
    console.log(
      s.activated
        ? `tag catalogue ${s.version} active: ${s.enterprises} enterprises re-derived, ${s.changed} changed, ${s.durationMs} ms`
        : `tag catalogue ${s.version} is already the active one; nothing changed`,
    );
  });
}

/** `hub warnings load FILE`: returns the exit status. */
export function runWarningsCommand(args: string[]): Promise<number> {
  return runLoadCommand('warnings', args, async (hub, doc) => {
    const loaded = await hub.services.warnings.parameters.load(doc);
    const active = await hub.services.warnings.parameters.activate(loaded.version);
    console.log(`warning parameters ${active.version} active (${Object.keys(active.detectors).join(', ')})`);
  });
}
