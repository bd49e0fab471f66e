import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { HubRuntime, withHub } from '../app/hub-runtime';
import { RescoreSummary } from '../scoring/score.service';

/** Usage of `hub rescore`. */
export const RESCORE_USAGE = `hub rescore [--all]                 recompute scores of enterprises marked dirty or due today (--all: every enterprise)
hub rescore --load FILE             load a rule-set version from a JSON file and print its what-if preview (does not activate)
hub rescore --preview VERSION       print what activating a loaded version would change
hub rescore --activate VERSION      activate a loaded version and recompute every score under it`;

function formatSummary(s: RescoreSummary): string {
  const steps = Object.entries(s.timings)
    .map(([k, v]) => `${k} ${v} ms`)
    .join(', ');
  return (
    `rescored ${s.enterprises} enterprise(s) ${s.full ? '(all)' : '(incremental)'} as of ${s.asOf} under ${s.ruleSetVersion}: ` +
    `${s.changed} changed, ${s.durationMs} ms${steps ? ` [${steps}]` : ''}`
  );
}

async function printPreview(hub: HubRuntime, version: string): Promise<void> {
  const p = await hub.services.scoring.reports.preview(version, hub.services.divisions.provinceScope(), 20);
  console.log(
    `${p.version} against ${p.comparedWith} as of ${p.asOf}: ${p.enterprises} enterprises, ${p.scoreChanges} score changes, ${p.riskChanges} risk-level changes`,
  );
  for (const [t, n] of Object.entries(p.transitions)) console.log(`  ${t}: ${n}`);
  for (const c of p.changes) console.log(`  ${c.creditCode} ${c.name}: ${c.currentScore} ${c.currentRiskLevel} -> ${c.newScore} ${c.newRiskLevel}`);
}

/**
 * `hub rescore`: recomputes scores set-based — the due ones (dirty, never
 * scored, or moved by the calendar) or, with `--all`, every enterprise — and
 * manages rule-set versions (load, preview, activate). Returns the exit status.
 */
export async function runRescoreCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      all: { type: 'boolean' },
      load: { type: 'string' },
      preview: { type: 'string' },
      activate: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(RESCORE_USAGE);
    return 0;
  }
  return withHub(async (hub) => {
    const scoring = hub.services.scoring;
    if (values.load) {
      const rs = await scoring.ruleSets.load(JSON.parse(fs.readFileSync(values.load, 'utf8')));
      console.log(
        `loaded rule set ${rs.version} (${rs.rules.length} rules, window ${rs.windowDays} days, thresholds ${rs.riskThresholds.low}/${rs.riskThresholds.medium})`,
      );
      await printPreview(hub, rs.version);
      return 0;
    }
    if (values.preview) {
      await printPreview(hub, values.preview);
      return 0;
    }
    if (values.activate) {
      console.log(formatSummary(await scoring.scores.activateRuleSet(values.activate)));
      return 0;
    }
    console.log(formatSummary(values.all ? await scoring.scores.rescoreAll() : await scoring.scores.rescoreDue()));
    return 0;
  });
}
