import { parseArgs } from 'node:util';
import { withHub } from '../app/hub-runtime';
import { chinaToday } from '../domain/china-date';
import { ClientError } from '../domain/client-error';
import { OBJECTION_STATUSES, ObjectionStatus } from '../supervision/objection.service';
import { Proportion, RiskLevelRate, SupervisionStats } from '../supervision/supervision-stats.service';

/** Usage of `hub objections` and `hub supervision`. */
export const SUPERVISION_USAGE = `  hub objections list [--division D] [--status S] [--first N]
                                    objections, newest first: id, enterprise, deduction, status, filed, due, steward
  hub objections answer ID --upheld | --rejected [--reason TEXT]
                                    the steward's answer (REJECTED needs a reason), audited as the CLI operator
  hub objections code --credit-code C
                                    issue a one-time objection code for an enterprise's report page (printed once)
  hub supervision stats --division D --from YYYY-MM-DD --to YYYY-MM-DD [--candidate RULESET_ID] [--json]
                                    supervisionStats: warning types, violation rates per risk level (95 % Wilson), counties`;

/** A command line the CLI cannot run as given (printed without a stack, exit status 1). */
class SupervisionUsageError extends ClientError {}

/**
 * `hub objections list | answer | code`: the objection workflow (spec supervision §4)
 * from the command line, through the same {@link ObjectionService} calls the GraphQL
 * resolvers make.
 */
export async function runObjectionsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      division: { type: 'string' },
      status: { type: 'string', multiple: true },
      first: { type: 'string' },
      upheld: { type: 'boolean' },
      rejected: { type: 'boolean' },
      reason: { type: 'string' },
      'credit-code': { type: 'string' },
    },
  });
  if (sub === 'list') {
    const status = (values.status ?? []).map((s) => s.toUpperCase() as ObjectionStatus);
    const bad = status.find((s) => !OBJECTION_STATUSES.includes(s));
    if (bad) throw new SupervisionUsageError(`--status must be one of ${OBJECTION_STATUSES.join(', ')}, got '${bad}'`);
    return withHub(async (hub) => {
      if (values.division && !hub.services.divisions.get(values.division)) throw new SupervisionUsageError(`unknown division '${values.division}'`);
      const page = await hub.services.objections.list(
        hub.services.divisions.provinceScope(),
        { divisionCode: values.division, status },
        Number(values.first ?? 100),
      );
      const rows = page.edges.map(({ node: o }) => [
        o.id,
        o.creditCode,
        `${o.rule} ${o.connectorId}/${o.recordId} −${o.points}`,
        o.status,
        chinaToday(o.createdAt),
        o.status === 'UPHELD' || o.status === 'REJECTED' ? '-' : o.currentDeadline,
        o.steward ?? '-',
      ]);
      for (const l of table(['id', 'enterprise', 'deduction', 'status', 'filed', 'due', 'steward'], rows)) console.log(l);
      console.log(`${page.totalCount} objection(s)${page.hasNextPage ? `, first ${rows.length} shown (--first N)` : ''}`);
      return 0;
    });
  }
  if (sub === 'answer') {
    const id = positionals[0];
    if (!id || /\D/.test(id) || values.upheld === values.rejected)
      throw new SupervisionUsageError('usage: hub objections answer ID --upheld | --rejected [--reason TEXT]');
    return withHub(async (hub) => {
      const o = await hub.services.objections.answer(hub.services.divisions.provinceScope(), id, values.upheld ? 'UPHELD' : 'REJECTED', values.reason, 'cli');
      console.log(`objection ${o.id}: ${o.status}${o.answer ? ` (${o.answer})` : ''}; the deduction goes only when the corrected record arrives`);
      return 0;
    });
  }
  if (sub === 'code') {
    const creditCode = values['credit-code'];
    if (!creditCode) throw new SupervisionUsageError('usage: hub objections code --credit-code C');
    return withHub(async (hub) => {
      const c = await hub.services.objections.issueCode(hub.services.divisions.provinceScope(), creditCode, 'cli');
      console.log(`objection code for ${creditCode}: ${c.code} (one objection, valid until ${c.expiresAt.toISOString()}; only its hash is kept)`);
      return 0;
    });
  }
  throw new SupervisionUsageError(`unknown objections subcommand '${sub ?? ''}'; use list, answer ID or code --credit-code C`);
}

/** `hub supervision stats`: what `supervisionStats` answers, as text or (`--json`) the same object. */
export async function runSupervisionCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: { division: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, candidate: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (sub !== 'stats' || !values.division || !values.from || !values.to)
    throw new SupervisionUsageError('usage: hub supervision stats --division D --from YYYY-MM-DD --to YYYY-MM-DD [--candidate RULESET_ID] [--json]');
  return withHub(async (hub) => {
    const division = hub.services.divisions.get(values.division!);
    if (!division) throw new SupervisionUsageError(`unknown division '${values.division}'`);
    const stats = await hub.services.supervisionStats.stats({ divisionCode: division.code, level: division.level }, values.from!, values.to!, values.candidate);
    if (values.json) console.log(JSON.stringify(stats, null, 2));
    else for (const l of formatSupervisionStats(stats)) console.log(l);
    return 0;
  });
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);
const interval = (p: Proportion) => (p.rate === null ? '-' : `${pct(p.rate)} [${pct(p.low)}, ${pct(p.high)}]`);

function rateRows(rates: readonly RiskLevelRate[]): string[][] {
  return rates.map((r) => [r.riskLevel, String(r.inspections), String(r.violations), interval(r)]);
}

/** The lines `hub supervision stats` prints: one table per part of {@link SupervisionStats}. */
export function formatSupervisionStats(s: SupervisionStats): string[] {
  const out = [`supervision ${s.divisionCode} from ${s.from} to ${s.to}`, '', 'warnings by type'];
  out.push(
    ...table(
      ['type', 'raised', 'confirmed', 'share', 'inspected', 'median days'],
      s.warningTypes.map((w) => [
        w.type,
        String(w.raised),
        String(w.confirmed),
        pct(w.confirmedShare),
        String(w.inspected),
        String(w.medianDaysToInspection ?? '-'),
      ]),
    ),
  );
  const rateHead = ['risk level', 'inspections', 'violations', 'rate [95 % Wilson]'];
  out.push('', 'random inspections by risk level at the draw', ...table(rateHead, rateRows(s.riskLevels)));
  if (s.candidate) out.push('', `by the risk level candidate ${s.candidate.ruleSetVersion} would assign`, ...table(rateHead, rateRows(s.candidate.riskLevels)));
  out.push(
    '',
    'counties',
    ...table(
      ['county', 'name', 'tasks', 'on time', 'escalated', 'open', 'plans (quarter done/items)'],
      s.counties.map((c) => [
        c.divisionCode,
        c.name,
        String(c.tasksCreated),
        String(c.tasksOnTime),
        String(c.tasksEscalated),
        String(c.tasksOpen),
        c.plans.map((p) => `${p.quarter} ${p.done}/${p.items}`).join(', ') || '-',
      ]),
    ),
  );
  return out;
}

/** Columns padded to their widest cell (CJK characters count double). */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const width = (s: string) => [...s].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c + ' '.repeat(widths[i] - width(c)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}
