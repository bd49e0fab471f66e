import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { withHub } from '../app/hub-runtime';
import { TruthRecord, evaluateResolution, formatResolutionFigures } from '../resolution/resolution-evaluation';

/** Usage of `hub resolve`. */
export const RESOLVE_USAGE = `hub resolve --evaluate [--truth FILE]   precision and recall of automatic entity-resolution links, queue size and share quarantined,
                                         per source, against the simulator's truth (GET HUB_SOURCES_URL/admin/truth, or FILE); --json for figures
hub resolve --queue [--first N]          the open steward review queue (province-wide)`;

/**
 * `hub resolve`: entity resolution from the command line — its accuracy against a
 * generated province's truth, and the review queue. Returns the exit status (1
 * when a noisy record is lost: neither linked, queued nor quarantined).
 */
export async function runResolveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      evaluate: { type: 'boolean' },
      truth: { type: 'string' },
      json: { type: 'boolean' },
      queue: { type: 'boolean' },
      first: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help || (!values.evaluate && !values.queue)) {
    console.log(RESOLVE_USAGE);
    return values.help ? 0 : 2;
  }
  return withHub(async (hub) => {
    if (values.queue) {
      const page = await hub.services.resolution.queue(hub.services.divisions.provinceScope(), Number(values.first ?? 50));
      console.log(`${page.totalCount} open entr${page.totalCount === 1 ? 'y' : 'ies'}`);
      for (const e of page.items)
        console.log(
          `  ${e.id} ${e.connectorId}/${e.sourceId} '${e.name ?? ''}' ${e.divisionCode ?? '-'}: ${e.candidates.map((c) => `${c.creditCode} ${c.name} ${c.probability}`).join('; ')}`,
        );
      return 0;
    }
    let body: unknown;
    if (values.truth) body = JSON.parse(fs.readFileSync(values.truth, 'utf8'));
    else {
      const res = await fetch(`${hub.config.sourcesUrl}/admin/truth`);
      if (!res.ok) throw new Error(`GET ${hub.config.sourcesUrl}/admin/truth answered ${res.status}`);
      body = await res.json();
    }
    // The simulator answers {records: [...]}; a file may hold the array itself.
    const truth = (Array.isArray(body) ? body : (body as { records: TruthRecord[] }).records) as TruthRecord[];
    const figures = await evaluateResolution(hub.services.db.pool, truth);
    if (values.json) console.log(JSON.stringify(figures, null, 2));
    else for (const l of formatResolutionFigures(figures)) console.log(l);
    return figures.all.lost ? 1 : 0;
  });
}
