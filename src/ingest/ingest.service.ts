import { PoolClient } from 'pg';
import { contentHash, contentHashOfJson } from './content-hash';
import { ValidationContext, validateRecord } from './record-validator';
import { EnforcementData, EnterpriseData, MonitoringData, PenaltyData, RatingData, RecordKind, UnifiedRecord } from './unified-record';

/** One fetched source record: its raw payload and what the connector's mapper made of it. */
export interface PageItem {
  raw: unknown;
  /** The mapped record; absent when mapping failed. */
  record?: UnifiedRecord;
  /** Why mapping failed. */
  mapError?: string;
  /** The source id and credit code a failed mapping could still read. */
  identity?: { sourceId?: string; creditCode?: string };
}

/** What loading one page did. */
export interface PageResult {
  /** Records inserted or changed. */
  loaded: number;
  /** Valid records whose content was already stored. */
  unchanged: number;
  quarantined: number;
  /** Credit codes of the enterprises whose data changed (to rescore, retag, warn). */
  touched: string[];
}

/** A valid record ready to write: its source row and typed rows already serialised. */
interface Valid {
  record: UnifiedRecord;
  /** The `source_record` row as JSON (payload included). */
  sourceRow: string;
  /** The typed row as JSON, and for enterprises the permit rows. */
  typedRow: string;
  permitRows?: string[];
}

/** A record that failed mapping or validation, on its way to quarantine. */
interface BadRecord { sourceId: string | null; creditCode: string | null; raw: unknown; reason: string }

/**
 * A page validated and serialised, not yet written: the CPU half of loading,
 * done while the previous page's statements run (see `SyncRunner` and `PagePipeline`).
 */
export interface PreparedPage { valid: Valid[]; bad: BadRecord[] }

/**
 * Loads pages of fetched records into the unified store with set-based SQL:
 * validates, quarantines bad records with their reasons, upserts the raw
 * source records keyed by (connector, source id) — skipping those whose
 * content hash is unchanged — and upserts the typed tables for what changed.
 * One call handles one page inside the caller's transaction.
 */
export class IngestService {
  constructor(private readonly ctx: ValidationContext) {}

  /** Validates and serialises a page (pure: no I/O). */
  prepare(items: PageItem[]): PreparedPage {
    const bad: BadRecord[] = [];
    const bySource = new Map<string, Valid>();
    for (const item of items) {
      if (!item.record) {
        bad.push({ sourceId: item.identity?.sourceId ?? null, creditCode: item.identity?.creditCode ?? null, raw: item.raw, reason: item.mapError ?? 'record could not be mapped' });
        continue;
      }
      const problems = validateRecord(item.record, this.ctx);
      if (problems.length) {
        bad.push({
          sourceId: typeof item.record.sourceId === 'string' ? item.record.sourceId : null,
          creditCode: typeof item.record.creditCode === 'string' ? item.record.creditCode.slice(0, 64) : null,
          raw: item.raw,
          reason: problems.join('; '),
        });
        continue;
      }
      // The same record twice in one page (repeats, change feeds): the later one wins.
      bySource.delete(item.record.sourceId);
      bySource.set(item.record.sourceId, serialise(item.record, item.raw));
    }
    return { valid: [...bySource.values()], bad };
  }

  /** Validates and writes one page (see `prepare` and `write`). */
  async ingestPage(client: PoolClient, connectorId: string, runId: string | null, items: PageItem[]): Promise<PageResult> {
    return this.write(client, connectorId, runId, this.prepare(items));
  }

  /** Writes a prepared page inside the caller's transaction (`writeSources`, then `writeRest`). */
  async write(client: PoolClient, connectorId: string, runId: string | null, page: PreparedPage): Promise<PageResult> {
    return this.writeRest(client, connectorId, runId, page, await this.writeSources(client, connectorId, page));
  }

  /**
   * The first half of writing a page: upserts its raw source records (only
   * new or changed content) and returns the source ids that changed, each
   * with the credit code it had before. Locks nothing but this connector's
   * `source_record` rows of the page, so it may run while the previous page's
   * `writeRest` is still in flight on another connection (see `PagePipeline`).
   */
  async writeSources(client: PoolClient, connectorId: string, page: PreparedPage): Promise<Map<string, string | null>> {
    return page.valid.length ? this.upsertSourceRecords(client, connectorId, page.valid) : new Map();
  }

  /** The second half: quarantine, the typed tables for what changed, and resolved quarantine entries. */
  async writeRest(client: PoolClient, connectorId: string, runId: string | null, page: PreparedPage, changed: Map<string, string | null>): Promise<PageResult> {
    const quarantined = await this.quarantine(client, connectorId, runId, page.bad);
    const valid = page.valid;
    if (!valid.length) return { loaded: 0, unchanged: 0, quarantined, touched: [] };
    const changedValid = valid.filter((v) => changed.has(v.record.sourceId));
    const touched = new Set<string>();
    for (const v of changedValid) {
      touched.add(v.record.creditCode);
      const prev = changed.get(v.record.sourceId);
      if (prev) touched.add(prev);
    }
    await this.upsertTyped(client, connectorId, changedValid);
    await client.query(
      `update quarantine set status = 'REPROCESSED', resolved_at = now()
        where connector_id = $1 and status = 'OPEN' and source_id = any($2::text[])`,
      [connectorId, valid.map((v) => v.record.sourceId)],
    );
    return { loaded: changedValid.length, unchanged: valid.length - changedValid.length, quarantined, touched: [...touched] };
  }

  private async quarantine(client: PoolClient, connectorId: string, runId: string | null, bad: BadRecord[]): Promise<number> {
    if (!bad.length) return 0;
    const rows = new Map<string, object>();
    for (const b of bad) {
      const hash = contentHash(b.raw);
      rows.set(hash, { source_id: b.sourceId, credit_code: b.creditCode, payload: b.raw === undefined ? null : b.raw, payload_hash: hash, reason: b.reason });
    }
    await client.query(
      `insert into quarantine (connector_id, run_id, source_id, credit_code, payload, payload_hash, reason)
       select $1, $2, x.source_id, x.credit_code, coalesce(x.payload, 'null'::jsonb), x.payload_hash, x.reason
         from jsonb_to_recordset($3::jsonb) as x(source_id text, credit_code text, payload jsonb, payload_hash text, reason text)
       on conflict (connector_id, payload_hash) where status = 'OPEN'
       do update set last_seen_at = now(), reason = excluded.reason, run_id = excluded.run_id`,
      [connectorId, runId, JSON.stringify([...rows.values()])],
    );
    return bad.length;
  }

  /**
   * Upserts raw source records; returns the source ids whose content changed
   * (new or different hash), each with the credit code it had before (or null).
   */
  private async upsertSourceRecords(client: PoolClient, connectorId: string, valid: Valid[]): Promise<Map<string, string | null>> {
    // One statement: read what is stored, write only new or changed records, and refresh
    // last_seen_at of unchanged ones at most once a day so re-syncs do not rewrite rows.
    const res = await client.query<{ source_id: string; prev_credit_code: string | null }>(
      `with incoming as (
         select * from jsonb_to_recordset($2::jsonb) as x(source_id text, kind text, credit_code text, payload jsonb, content_hash text)
       ), prev as (
         select s.source_id, s.credit_code, s.content_hash, s.last_seen_at
           from source_record s join incoming i using (source_id) where s.connector_id = $1
       ), up as (
         insert into source_record (connector_id, source_id, kind, credit_code, payload, content_hash)
         select $1, i.source_id, i.kind, i.credit_code, i.payload, i.content_hash
           from incoming i left join prev p using (source_id)
          where p.source_id is null or p.content_hash <> i.content_hash
         on conflict (connector_id, source_id) do update
           set kind = excluded.kind, credit_code = excluded.credit_code, payload = excluded.payload,
               content_hash = excluded.content_hash, last_seen_at = now(), changed_at = now()
           where source_record.content_hash <> excluded.content_hash
         returning source_id
       ), seen as (
         update source_record s set last_seen_at = now()
           from prev p join incoming i using (source_id)
          where s.connector_id = $1 and s.source_id = p.source_id
            and p.content_hash = i.content_hash and p.last_seen_at < now() - interval '1 day'
       )
       select up.source_id, prev.credit_code as prev_credit_code from up left join prev using (source_id)`,
      [connectorId, jsonArray(valid.map((v) => v.sourceRow))],
    );
    return new Map(res.rows.map((r) => [r.source_id, r.prev_credit_code]));
  }

  private async upsertTyped(client: PoolClient, connectorId: string, records: Valid[]): Promise<void> {
    const byKind = new Map<RecordKind, Valid[]>();
    for (const r of records) {
      // Push, not spread: a page of tens of thousands of records must stay linear.
      const list = byKind.get(r.record.kind);
      if (list) list.push(r);
      else byKind.set(r.record.kind, [r]);
    }
    for (const [kind, recs] of byKind) {
      const rows = jsonArray(recs.map((r) => r.typedRow));
      switch (kind) {
        case 'enterprise': await this.upsertEnterprises(client, recs, rows); break;
        case 'enforcement': await this.upsertEnforcement(client, rows); break;
        case 'penalty': await this.upsertPenalties(client, rows); break;
        case 'monitoring': await this.upsertMonitoring(client, rows); break;
        case 'rating': await this.upsertRatings(client, connectorId, rows); break;
      }
    }
  }

  private async upsertEnterprises(client: PoolClient, recs: Valid[], rows: string): Promise<void> {
    await client.query(
      `insert into enterprise (credit_code, name, division_code, address, longitude, latitude, industry_code,
          supervision_level, management_class, basin, pollution_types, air_sources, monitoring_facilities, source_updated_at)
       select credit_code, name, division_code, address, longitude, latitude, industry_code,
          supervision_level, management_class, basin, pollution_types, air_sources, monitoring_facilities, source_updated_at
         from jsonb_to_recordset($1::jsonb) as x(credit_code text, name text, division_code text, address text,
          longitude float8, latitude float8, industry_code text, supervision_level text, management_class text, basin text,
          pollution_types text[], air_sources text[], monitoring_facilities text[], source_updated_at timestamptz)
       on conflict (credit_code) do update set
         name = excluded.name, division_code = excluded.division_code, address = excluded.address,
         longitude = excluded.longitude, latitude = excluded.latitude, industry_code = excluded.industry_code,
         supervision_level = excluded.supervision_level, management_class = excluded.management_class,
         basin = excluded.basin, pollution_types = excluded.pollution_types, air_sources = excluded.air_sources,
         monitoring_facilities = excluded.monitoring_facilities, source_updated_at = excluded.source_updated_at,
         updated_at = now()`,
      [rows],
    );
    // The permit list of a changed enterprise is replaced by the one the source sends now:
    // one statement deletes the permits it no longer lists and upserts the ones it does.
    await client.query(
      `with x as materialized (
         select distinct on (credit_code, permit_no) credit_code, permit_no, valid_from, valid_to, status
           from jsonb_to_recordset($2::jsonb) as x(credit_code text, permit_no text, valid_from date, valid_to date, status text)
       ), gone as (
         delete from permit p where p.credit_code = any($1::text[])
            and not exists (select 1 from x where x.credit_code = p.credit_code and x.permit_no = p.permit_no)
       )
       insert into permit (credit_code, permit_no, valid_from, valid_to, status)
       select credit_code, permit_no, valid_from, valid_to, status from x
       on conflict (credit_code, permit_no) do update
         set valid_from = excluded.valid_from, valid_to = excluded.valid_to, status = excluded.status
         where (permit.valid_from, permit.valid_to, permit.status) is distinct from (excluded.valid_from, excluded.valid_to, excluded.status)`,
      [recs.map((r) => r.record.creditCode), jsonArray(recs.flatMap((r) => r.permitRows ?? []))],
    );
  }

  private async upsertEnforcement(client: PoolClient, rows: string): Promise<void> {
    await client.query(
      `insert into enforcement_record (record_id, credit_code, kind, event_date, finding, measure_type, status, modified_at)
       select record_id, credit_code, kind, event_date, finding, measure_type, status, modified_at
         from jsonb_to_recordset($1::jsonb) as x(record_id text, credit_code text, kind text, event_date date, finding text,
              measure_type text, status text, modified_at timestamptz)
       on conflict (record_id) do update set credit_code = excluded.credit_code, kind = excluded.kind,
         event_date = excluded.event_date, finding = excluded.finding, measure_type = excluded.measure_type,
         status = excluded.status, modified_at = excluded.modified_at`,
      [rows],
    );
  }

  private async upsertPenalties(client: PoolClient, rows: string): Promise<void> {
    await client.query(
      `insert into penalty (case_no, credit_code, decision_date, amount, daily_consecutive, status, modified_at)
       select case_no, credit_code, decision_date, amount, daily_consecutive, status, modified_at
         from jsonb_to_recordset($1::jsonb) as x(case_no text, credit_code text, decision_date date, amount numeric,
              daily_consecutive boolean, status text, modified_at timestamptz)
       on conflict (case_no) do update set credit_code = excluded.credit_code, decision_date = excluded.decision_date,
         amount = excluded.amount, daily_consecutive = excluded.daily_consecutive, status = excluded.status,
         modified_at = excluded.modified_at`,
      [rows],
    );
  }

  private async upsertMonitoring(client: PoolClient, rows: string): Promise<void> {
    await client.query(
      `insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours, daily_mean, limit_value, unit)
       select credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours, daily_mean, limit_value, unit
         from jsonb_to_recordset($1::jsonb) as x(credit_code text, outlet_code text, pollutant_code text, day date,
              valid_hours smallint, exceed_hours smallint, daily_mean float8, limit_value float8, unit text)
       on conflict (credit_code, outlet_code, pollutant_code, day) do update set valid_hours = excluded.valid_hours,
         exceed_hours = excluded.exceed_hours, daily_mean = excluded.daily_mean, limit_value = excluded.limit_value, unit = excluded.unit`,
      [rows],
    );
  }

  private async upsertRatings(client: PoolClient, connectorId: string, rows: string): Promise<void> {
    await client.query(
      `insert into credit_rating (credit_code, connector_id, level, rated_on, source_updated_at)
       select credit_code, $1, level, rated_on, source_updated_at
         from jsonb_to_recordset($2::jsonb) as x(credit_code text, level text, rated_on date, source_updated_at timestamptz)
       on conflict (credit_code, connector_id) do update set level = excluded.level, rated_on = excluded.rated_on,
         source_updated_at = excluded.source_updated_at`,
      [connectorId, rows],
    );
  }
}

/** A JSON array from already serialised elements. */
function jsonArray(parts: string[]): string {
  return `[${parts.join(',')}]`;
}

/** Serialises a valid record once: its source row (with the content hash) and its typed rows. */
function serialise(record: UnifiedRecord, raw: unknown): Valid {
  const json = JSON.stringify(raw) as string | undefined;
  const hash = contentHashOfJson(json);
  const payload = json ?? 'null';
  const sourceRow = `{"source_id":${JSON.stringify(record.sourceId)},"kind":${JSON.stringify(record.kind)},"credit_code":${JSON.stringify(record.creditCode)},"content_hash":"${hash}","payload":${payload}}`;
  const c = record.creditCode;
  switch (record.kind) {
    case 'enterprise': {
      const d = record.data as EnterpriseData;
      return {
        record, sourceRow,
        typedRow: JSON.stringify({
          credit_code: c, name: d.name, division_code: d.divisionCode, address: d.address ?? null,
          longitude: d.longitude ?? null, latitude: d.latitude ?? null, industry_code: d.industryCode ?? null,
          supervision_level: d.supervisionLevel ?? null, management_class: d.managementClass ?? null, basin: d.basin ?? null,
          pollution_types: d.pollutionTypes, air_sources: d.airSources, monitoring_facilities: d.monitoringFacilities,
          source_updated_at: d.updatedAt ?? null,
        }),
        permitRows: d.permits.map((p) => JSON.stringify({ credit_code: c, permit_no: p.permitNo, valid_from: p.validFrom, valid_to: p.validTo, status: p.status })),
      };
    }
    case 'enforcement': {
      const d = record.data as EnforcementData;
      return { record, sourceRow, typedRow: JSON.stringify({
        record_id: d.recordId, credit_code: c, kind: d.kind, event_date: d.date, finding: d.finding ?? null,
        measure_type: d.measureType ?? null, status: d.status, modified_at: d.modifiedAt,
      }) };
    }
    case 'penalty': {
      const d = record.data as PenaltyData;
      return { record, sourceRow, typedRow: JSON.stringify({
        case_no: d.caseNo, credit_code: c, decision_date: d.decisionDate, amount: d.amount,
        daily_consecutive: d.dailyConsecutive, status: d.status, modified_at: d.modifiedAt,
      }) };
    }
    case 'monitoring': {
      const d = record.data as MonitoringData;
      return { record, sourceRow, typedRow: JSON.stringify({
        credit_code: c, outlet_code: d.outletCode, pollutant_code: d.pollutantCode, day: d.date,
        valid_hours: d.validHours, exceed_hours: d.exceedHours, daily_mean: d.dailyMean ?? null, limit_value: d.limit ?? null, unit: d.unit ?? null,
      }) };
    }
    case 'rating': {
      const d = record.data as RatingData;
      return { record, sourceRow, typedRow: JSON.stringify({ credit_code: c, level: d.level, rated_on: d.ratedOn, source_updated_at: d.updatedAt ?? null }) };
    }
  }
}
