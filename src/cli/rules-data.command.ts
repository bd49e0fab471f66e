import fs from 'node:fs';
import { openHub } from '../app/hub-runtime';

/** Usage of the commands that load versioned rules data. */
export const RULES_DATA_USAGE = `  hub tags load FILE                load a tag catalogue version (categories, tags, derivation rules) from JSON,
                                    make it active and re-derive every enterprise's tags
  hub warnings load FILE            load a warning parameter version (detector numbers, severities) from JSON
                                    and make it active for the next detection pass`;

function readJson(file: string | undefined, what: string): unknown {
  if (!file) throw new Error(`${what} needs a FILE`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** `hub tags load FILE`: returns the exit status. */
export async function runTagsCommand(args: string[]): Promise<number> {
  const [sub, file] = args;
  if (sub !== 'load') throw new Error(`hub tags: unknown subcommand '${sub ?? ''}' (hub tags load FILE)`);
  const doc = readJson(file, 'hub tags load');
  const hub = await openHub();
  try {
    const s = await hub.services.tags.loadCatalogue(doc);
    console.log(
      s.activated
        ? `tag catalogue ${s.version} active: ${s.enterprises} enterprises re-derived, ${s.changed} changed, ${s.durationMs} ms`
        : `tag catalogue ${s.version} is already the active one; nothing changed`,
    );
    return 0;
  } finally {
    await hub.shutdown();
  }
}

/** `hub warnings load FILE`: returns the exit status. */
export async function runWarningsCommand(args: string[]): Promise<number> {
  const [sub, file] = args;
  if (sub !== 'load') throw new Error(`hub warnings: unknown subcommand '${sub ?? ''}' (hub warnings load FILE)`);
  const doc = readJson(file, 'hub warnings load');
  const hub = await openHub();
  try {
    const loaded = await hub.services.warnings.parameters.load(doc);
    const active = await hub.services.warnings.parameters.activate(loaded.version);
    console.log(`warning parameters ${active.version} active (${Object.keys(active.detectors).join(', ')})`);
    return 0;
  } finally {
    await hub.shutdown();
  }
}
