import { FieldNode, GraphQLResolveInfo, Kind, SelectionSetNode, getArgumentValues, getNamedType, isObjectType } from 'graphql';
import { HubContext } from './context';
import { ScorePointData } from '../scoring/health-report.service';
import { EnterpriseTagsRow, TAGS_OF_ENTERPRISES_SQL } from '../tags/tag.service';
import { MAX_RECENT_HISTORY } from './recent-history.loader';
import { recentHistoryKey } from './loaders';

/**
 * Tags and the last `$2` score-history points (oldest first) of the credit
 * codes in `$1`, in one statement: the tags statement of the tag loader joined
 * with the lateral top-N of the recent-history loader. Each point comes as a
 * JSON array in {@link PointJson}'s order, `at` in milliseconds since the epoch
 * (which a Date takes as it is; a date-time text would be formatted by the
 * server and parsed here again): JSON objects would repeat eight keys per point
 * (600 points on a page of 50 with `last: 12`), which the server spends more time building and
 * this process more time parsing.
 */
const TAGS_AND_RECENT_HISTORY_SQL = `select c.code, t.credit_code, t.tag_ids, t.derived_tag_ids, t.derived_rule_ids, t.manual, h.points
   from unnest($1::text[]) as c(code)
   left join (${TAGS_OF_ENTERPRISES_SQL}) t on t.credit_code = c.code
   cross join lateral (
     select coalesce(json_agg(json_build_array(floor(extract(epoch from p.at) * 1000)::int8, p.score, p.risk_level, p.previous_score,
               p.previous_risk_level, p.rule_set_version, p.cause, p.cause_ref) order by p.at, p.id), '[]') as points
       from (select * from score_history s where s.credit_code = c.code order by s.at desc, s.id desc limit $2) p) h`;

/** A point as {@link TAGS_AND_RECENT_HISTORY_SQL} sends it: at (ms), score, riskLevel, previousScore, previousRiskLevel, ruleSetVersion, cause, causeRef. */
type PointJson = [number, number, ScorePointData['riskLevel'], number | null, ScorePointData['previousRiskLevel'], string, string, string | null];

const pointOf = (p: PointJson): ScorePointData => ({
  at: new Date(p[0]),
  score: p[1],
  riskLevel: p[2],
  previousScore: p[3],
  previousRiskLevel: p[4],
  ruleSetVersion: p[5],
  cause: p[6],
  causeRef: p[7],
});

/** The fields selected on a selection set, through inline fragments and fragment spreads. */
function selectedFields(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, out: FieldNode[] = [], seen = new Set<string>()): FieldNode[] {
  for (const sel of set?.selections ?? []) {
    if (sel.kind === Kind.FIELD) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) selectedFields(sel.selectionSet, info, out, seen);
    else if (!seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      selectedFields(info.fragments[sel.name.value]?.selectionSet, info, out, seen);
    }
  }
  return out;
}

/** Whether a field carries directives (@skip, @include): then it is left to its own loader. */
const plain = (f: FieldNode) => !f.directives?.length;

/**
 * What a connection's `edges { node { … } }` asks for that the page can fetch
 * in one statement: `tags` and `recentHistory(last: n)` (one `last` only).
 * Null when not both are asked for (a single loader then costs the same).
 */
export function pageExtrasWanted(info: GraphQLResolveInfo): { last: number } | null {
  const connection = getNamedType(info.returnType);
  if (!isObjectType(connection)) return null;
  const edges = info.fieldNodes.flatMap((n) => selectedFields(n.selectionSet, info)).filter((f) => f.name.value === 'edges');
  const nodes = edges.flatMap((e) => selectedFields(e.selectionSet, info)).filter((f) => f.name.value === 'node');
  const fields = nodes.flatMap((n) => selectedFields(n.selectionSet, info));
  if (!edges.every(plain) || !nodes.every(plain)) return null;
  const tags = fields.filter((f) => f.name.value === 'tags');
  const history = fields.filter((f) => f.name.value === 'recentHistory');
  if (!tags.length || !history.length || !history.every(plain)) return null;
  const edgeType = getNamedType(connection.getFields().edges?.type);
  const nodeType = isObjectType(edgeType) ? getNamedType(edgeType.getFields().node?.type) : undefined;
  const def = isObjectType(nodeType) ? nodeType.getFields().recentHistory : undefined;
  if (!def) return null;
  const lasts = new Set<unknown>();
  for (const f of history) {
    try {
      lasts.add(getArgumentValues(def, f, info.variableValues).last);
    } catch {
      return null; // the field's own resolver reports a bad argument
    }
  }
  const [last] = [...lasts];
  if (lasts.size !== 1 || !Number.isInteger(last) || (last as number) < 1 || (last as number) > MAX_RECENT_HISTORY) return null;
  return { last: last as number };
}

/**
 * Fetches the tags and recent history of a page's enterprises in one
 * statement when the query asks for both, and keeps them in the request's
 * `pagePrimed`, where the `tags` and `recentHistory` resolvers find them
 * before their loaders: a nested page costs one statement for both fields
 * instead of one each, and its nodes complete without a promise per field.
 * Does nothing otherwise.
 */
export async function prefetchPageExtras(ctx: HubContext, info: GraphQLResolveInfo, creditCodes: readonly string[]): Promise<void> {
  if (!creditCodes.length) return;
  const wanted = pageExtrasWanted(info);
  if (!wanted) return;
  const codes = [...new Set(creditCodes)];
  const res = await ctx.services.db.apiPool.query<Partial<EnterpriseTagsRow> & { code: string; points: PointJson[] }>({
    name: 'tags-and-recent-history-of-enterprises',
    text: TAGS_AND_RECENT_HISTORY_SQL,
    values: [codes, wanted.last],
  });
  const tagRows = res.rows.filter((r) => r.credit_code != null) as unknown as EnterpriseTagsRow[];
  const views = await ctx.services.tags.viewsOf(codes, tagRows, ctx.scope);
  const { pagePrimed } = ctx.loaders;
  const points = new Map(res.rows.map((r) => [r.code, r.points.map(pointOf)]));
  codes.forEach((code, i) => {
    pagePrimed.tags.set(code, views[i]);
    pagePrimed.recentHistory.set(recentHistoryKey({ creditCode: code, last: wanted.last }), points.get(code) ?? []);
  });
}
