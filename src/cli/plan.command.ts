import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { withHub } from '../app/hub-runtime';
import { describeVerification, verifyPlanExport } from '../supervision/inspection-plan.export';

/** `hub inspectors import FILE`: the roster CSV (id,name,divisionCode,capacityPerQuarter,conflicts). */
export async function runInspectorsCommand(args: string[]): Promise<number> {
  const [sub, file] = args;
  if (sub !== 'import' || !file)
    throw new Error('usage: hub inspectors import FILE (CSV: id,name,divisionCode,capacityPerQuarter,conflicts with ; between credit codes)');
  return withHub(async (hub) => {
    const rows = hub.services.inspectionPlans.roster.parseCsv(fs.readFileSync(file, 'utf8'));
    const n = await hub.services.inspectionPlans.roster.upsert(rows);
    console.log(`imported ${n} inspector(s) from ${file}`);
    return 0;
  });
}

/**
 * `hub plan draw --quarter Q --division D --seed S [--replaces ID]`,
 * `hub plan verify PLAN_ID` (recomputed from the stored inputs),
 * `hub plan verify --file F` (from a published export alone, no database),
 * `hub plan export PLAN_ID [--out F]`.
 */
export async function runPlanCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      quarter: { type: 'string' },
      division: { type: 'string' },
      seed: { type: 'string' },
      replaces: { type: 'string' },
      file: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (sub === 'verify' && values.file) {
    const lines = describeVerification(verifyPlanExport(JSON.parse(fs.readFileSync(values.file, 'utf8'))), values.file);
    for (const l of lines) console.log(l);
    return lines[0].includes('identical') ? 0 : 1;
  }
  return withHub(async (hub) => {
    const plans = hub.services.inspectionPlans;
    if (sub === 'draw') {
      if (!values.quarter || !values.division || !values.seed)
        throw new Error('usage: hub plan draw --quarter 2026Q4 --division CODE --seed S [--replaces PLAN_ID]');
      const plan = await plans.draw(
        { quarter: values.quarter, divisionCode: values.division, seed: values.seed, replaces: values.replaces ?? null },
        hub.services.divisions.provinceScope(),
        'cli',
      );
      const shortfall = plan.counties.filter((c) => c.shortfall > 0 || c.unstaffed > 0);
      console.log(
        `plan ${plan.id}: ${plan.quarter} ${plan.divisionCode}, ${plan.itemCount} enterprise(s) drawn under ${plan.policyVersion}, digest ${plan.digest}`,
      );
      for (const c of shortfall)
        console.log(`  ${c.divisionCode}: capacity for ${c.budget} item(s); ${c.shortfall} fewer drawn than the shares ask, ${c.unstaffed} without inspectors`);
      return 0;
    }
    if (sub === 'verify') {
      const id = positionals[0];
      if (!id) throw new Error('usage: hub plan verify PLAN_ID | --file F');
      const lines = describeVerification(await plans.verify(id), `plan ${id}`);
      for (const l of lines) console.log(l);
      return lines[0].includes('identical') ? 0 : 1;
    }
    if (sub === 'export') {
      const id = positionals[0];
      if (!id) throw new Error('usage: hub plan export PLAN_ID [--out F]');
      const text = JSON.stringify(await plans.exportPlan(id), null, 1);
      if (values.out) fs.writeFileSync(values.out, text);
      else process.stdout.write(text + '\n');
      return 0;
    }
    throw new Error(`unknown plan subcommand '${sub ?? ''}'; use draw, verify or export`);
  });
}
