import { Pool } from 'pg';
import { DivisionDirectory, DivisionInfo } from '../divisions/division-directory';
import { BadFilterError, EnterpriseSearchService } from '../enterprises/enterprise-search.service';
import { EnterpriseFilterInput } from '../enterprises/enterprise.model';
import { Scope, SqlParams } from '../jurisdiction/scope';
import { TagCatalogue, TagRecord } from '../tags/tag-catalogue';
import { RISK_LEVELS, RiskLevelValue } from '../domain/risk-band';

/** Dashboard numbers for one filter inside one jurisdiction. */
export interface EnterpriseFacetsData {
  totalCount: number;
  /** Every tag the caller can see, with the number of matching enterprises carrying it (catalogue order). */
  tags: { tag: TagRecord; count: number }[];
  riskLevels: { riskLevel: RiskLevelValue; count: number }[];
  /** The division broken down (the filter's division when inside the caller's, else the caller's) and its children's counts. */
  breakdownDivision: DivisionInfo;
  divisions: { division: DivisionInfo; count: number }[];
  /** Score buckets `[from, from + width)`, ascending, only non-empty ones. */
  scoreHistogram: { from: number; to: number; count: number }[];
}

/** Most buckets a histogram may have. */
const MIN_BUCKET_WIDTH = 1;

/**
 * Facets and statistics of a filtered enterprise set — counts per tag, risk
 * level and child division, and a score histogram — in one SQL statement,
 * with the same WHERE clause (jurisdiction included) as lists and exports.
 */
export class EnterpriseFacetsService {
  constructor(
    private readonly pool: Pool,
    private readonly search: EnterpriseSearchService,
    private readonly divisions: DivisionDirectory,
    private readonly catalogue: TagCatalogue,
  ) {}

  async facets(scope: Scope, filter: EnterpriseFilterInput & Record<string, unknown>, bucketWidth = 10): Promise<EnterpriseFacetsData> {
    if (!Number.isInteger(bucketWidth) || bucketWidth < MIN_BUCKET_WIDTH || bucketWidth > 1000) {
      throw new BadFilterError(`scoreBucketWidth must be an integer between ${MIN_BUCKET_WIDTH} and 1000, got ${bucketWidth}`);
    }
    const params = new SqlParams();
    const where = await this.search.whereClause(scope, filter, params);
    const own = this.divisions.require(scope.divisionCode, 'scope');
    const asked = filter.divisionCode ? this.divisions.require(filter.divisionCode, 'filter.divisionCode') : undefined;
    const breakdown = asked && this.divisions.contains(own.code, asked.code) ? asked : own;
    const child = breakdown.level === 'PROVINCE' ? 'e.city_code' : 'e.division_code';
    const w = params.add(bucketWidth);
    const res = await this.pool.query<{ facet: string; key: string | null; n: number }>(
      `with m as materialized (select e.credit_code, e.score, e.risk_level, e.tag_ids, ${child} as child from enterprise e where ${where})
       select 'total' as facet, null::text as key, count(*)::int as n from m
       union all select 'risk', risk_level, count(*)::int from m group by risk_level
       union all select 'division', child, count(*)::int from m group by child
       union all select 'score', (floor(score::numeric / ${w}::int) * ${w}::int)::int::text, count(*)::int from m group by 2
       union all select 'tag', t::text, count(*)::int from m cross join unnest(m.tag_ids) as t group by t`,
      params.values,
    );
    const get = (facet: string) => res.rows.filter((r) => r.facet === facet);
    const tagCounts = new Map(get('tag').map((r) => [Number(r.key), r.n]));
    await this.catalogue.byIdLoaded([...tagCounts.keys()]);
    const divCounts = new Map(get('division').map((r) => [r.key, r.n]));
    const children = breakdown.level === 'COUNTY' ? [breakdown] : this.divisions.children(breakdown.code);
    const risk = new Map(get('risk').map((r) => [r.key, r.n]));
    return {
      totalCount: get('total')[0]?.n ?? 0,
      tags: this.catalogue.list(scope).map((tag) => ({ tag, count: tagCounts.get(tag.id) ?? 0 })),
      riskLevels: [...RISK_LEVELS].reverse().map((riskLevel) => ({ riskLevel, count: risk.get(riskLevel) ?? 0 })),
      breakdownDivision: breakdown,
      divisions: children.map((division) => ({ division, count: divCounts.get(division.code) ?? 0 })),
      scoreHistogram: get('score')
        .map((r) => ({ from: Number(r.key), to: Number(r.key) + bucketWidth, count: r.n }))
        .sort((a, b) => a.from - b.from),
    };
  }
}
