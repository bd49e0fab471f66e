import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db/database';
import { CHINA_TIME_ZONE, chinaDateOf } from '../domain/china-date';
import { hj212DataTimeToDate, type Hj212Packet } from './hj212-packet';

/** What the gateway knows of a bound DAU when a packet arrives. */
export interface Hj212BoundDevice {
  mn: string;
  password: string;
}

/** Looks up DAUs by MN; null for an MN no steward has bound. */
export interface Hj212DeviceDirectory {
  device(mn: string): Promise<Hj212BoundDevice | null>;
}

/** How a stored packet stands: counted in the facts, waiting for a binding, or refused. */
export type Hj212PacketStatus = 'ACCEPTED' | 'UNBOUND' | 'WRONG_PASSWORD';

/** A packet the gateway received whole with a matching CRC. */
export interface Hj212ReceivedPacket {
  packet: Hj212Packet;
  /** The data segment as sent (for a reassembled message, the joined one). */
  segment: string;
  status: Hj212PacketStatus;
  receivedAt: Date;
  peer: string | null;
}

/** Where the gateway stores packets; resolves once the packet is committed (or known as a repeat). */
export interface Hj212PacketSink {
  store(received: Hj212ReceivedPacket): Promise<{ stored: boolean }>;
}

/** Hourly values a commit wrote: what real-time warnings are checked against. */
export interface Hj212HourWritten {
  creditCode: string;
  outletCode: string;
  pollutantCode: string;
  hour: Date;
}

/** Options of {@link PgHj212Store}. */
export interface PgHj212StoreOptions {
  /** Most packets written in one statement (default 500). */
  batchSize?: number;
  /**
   * How long a packet waits for others to share its statement when a writer is free (default 0:
   * it is written at once; packets arriving while every writer is busy share the next statement).
   */
  batchDelayMs?: number;
  /** Statements of minute, real-time and other data in flight at once (default 2): the pool stays free for the rest of the hub. */
  maxBatchesInFlight?: number;
  /**
   * Directory answers are used at most this long after they were read (default 30 s); an answer
   * past half of it is read again in the background while it still serves (so a DAU sending more
   * often than this never waits for a look-up). {@link PgHj212Store.forget} drops one at once.
   */
  directoryCacheMs?: number;
  /** The clock the directory cache ages by (ms since the epoch; default `Date.now`). */
  now?: () => number;
  /** Called after each commit that wrote hourly values (never throws into the gateway). */
  onHoursWritten?: (hours: Hj212HourWritten[]) => void;
  log?: (line: string) => void;
}

/**
 * The key a repeat shares with its original: `MN` + `QN`, or `MN` + `CN` + `DataTime` when there
 * is no `QN`. (A repeat with a fresh `QN` but the same `CN` + `DataTime` is caught by the store too.)
 */
export function hj212RepeatKey(p: Hj212Packet): string | null {
  if (p.qn) return `Q${p.qn}`;
  if (p.dataTime && p.cn) return `T${p.cn}:${p.dataTime}`;
  return null;
}

function num(v: string | undefined): number | null {
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** The pollutant values kept as JSON: numbers parsed (null when not a number), the flag as sent. */
function pollutantJson(p: Hj212Packet): object[] {
  return p.pollutants.map((x) => ({
    code: x.code,
    sent: x.sentCode === x.code ? undefined : x.sentCode,
    avg: num(x.values.Avg),
    min: num(x.values.Min),
    max: num(x.values.Max),
    rtd: num(x.values.Rtd),
    cou: num(x.values.Cou),
    flag: x.values.Flag ?? null,
  }));
}

interface Pending {
  row: Record<string, unknown>;
  resolve: (r: { stored: boolean }) => void;
  reject: (e: unknown) => void;
}

/** Packets waiting for one kind of write, and the writes of it in flight. */
interface WriteLane {
  queue: Pending[];
  inFlight: number;
  maxInFlight: number;
  timer: NodeJS.Timeout | null;
}

function lane(maxInFlight: number): WriteLane {
  return { queue: [], inFlight: 0, maxInFlight, timer: null };
}

/**
 * The gateway's PostgreSQL store: the device directory, the raw packets (partitioned by day),
 * hourly values and the provisional daily summaries in `monitoring_day`.
 *
 * `store` writes a packet at once when a writer is free; packets arriving while the writers are
 * busy share the next statement, so thousands of devices cost a few hundred commits a second at
 * most, not thousands, and a quiet gateway adds no wait. Hourly data (`CN=2061`, which also
 * derives hours and days, in a transaction) has its own writer, so the packet that may raise a
 * real-time warning neither waits behind minute data nor holds it up. Repeats are recognised in
 * SQL (same MN + QN, or same MN + CN + DataTime, on the same or the previous day's partition).
 */
export class PgHj212Store implements Hj212PacketSink, Hj212DeviceDirectory {
  private readonly data: WriteLane;
  private readonly hourly = lane(1);
  private readonly cache = new Map<string, { at: number; device: Hj212BoundDevice | null }>();
  private lookups = new Map<string, Array<{ resolve: (d: Hj212BoundDevice | null) => void; reject: (e: unknown) => void }>>();
  private lookupScheduled = false;
  /** Cached MNs past half their life, read again together (at most once a second). */
  private refreshDue = new Set<string>();
  private refreshTimer: NodeJS.Timeout | null = null;
  /** Directory reads in flight, and the MNs forgotten since the oldest of them began (with the count of forgets then). */
  private readsInFlight = 0;
  private forgets = 0;
  private readonly forgottenAt = new Map<string, number>();
  private readonly partitionsReady = new Set<string>();
  private readonly opts: Required<Omit<PgHj212StoreOptions, 'onHoursWritten' | 'log'>> & Pick<PgHj212StoreOptions, 'onHoursWritten' | 'log'>;

  constructor(
    private readonly pool: Pool,
    opts: PgHj212StoreOptions = {},
  ) {
    this.opts = { batchSize: 500, batchDelayMs: 0, maxBatchesInFlight: 2, directoryCacheMs: 30_000, now: Date.now, ...opts };
    this.data = lane(this.opts.maxBatchesInFlight);
  }

  /**
   * The bound device of an MN (null when unbound), from a cache of `directoryCacheMs`. Lookups
   * that miss the cache in the same turn of the event loop share one query (`mn = any($1)`), so
   * thousands of DAUs whose entries expire together cost a few queries, not one each. An entry
   * past half its life still answers and is read again in the background, with the others due
   * within the same second, so the look-up is off the packet's path.
   */
  device(mn: string): Promise<Hj212BoundDevice | null> {
    const hit = this.cache.get(mn);
    const age = hit ? this.opts.now() - hit.at : Infinity;
    if (hit && age < this.opts.directoryCacheMs) {
      if (age >= this.opts.directoryCacheMs / 2) this.refreshLater(mn);
      return Promise.resolve(hit.device);
    }
    let waiting = this.lookups.get(mn);
    if (!waiting) {
      waiting = [];
      this.lookups.set(mn, waiting);
    }
    const answer = new Promise<Hj212BoundDevice | null>((resolve, reject) => waiting.push({ resolve, reject }));
    if (!this.lookupScheduled) {
      this.lookupScheduled = true;
      setImmediate(() => void this.lookUp());
    }
    return answer;
  }

  private async lookUp(): Promise<void> {
    this.lookupScheduled = false;
    const batch = this.lookups;
    this.lookups = new Map();
    try {
      const found = await this.read([...batch.keys()]);
      for (const [mn, waiters] of batch) for (const w of waiters) w.resolve(found.get(mn) ?? null);
    } catch (e) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(e);
    }
  }

  private refreshLater(mn: string): void {
    this.refreshDue.add(mn);
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      const mns = [...this.refreshDue];
      this.refreshDue = new Set();
      // A failed refresh leaves the entries to age out; the packets after that look them up themselves.
      this.read(mns).catch((e) => this.opts.log?.(`hj212: directory refresh failed: ${(e as Error).message}`));
    }, 1000);
    this.refreshTimer.unref();
  }

  /**
   * Reads the directory rows of `mns` (all bound devices, up to 100,000, when null) and caches
   * them as of the moment the read began, except an MN forgotten meanwhile (its binding changed
   * after the read began: the next look-up reads it again).
   */
  private async read(mns: string[] | null): Promise<Map<string, Hj212BoundDevice | null>> {
    const startedAt = this.opts.now();
    const forgetsBefore = this.forgets;
    this.readsInFlight++;
    try {
      const { rows } =
        mns === null
          ? await this.pool.query<{ mn: string; password: string }>(`select mn, password from monitoring_device order by bound_at desc limit 100000`)
          : await this.pool.query<{ mn: string; password: string }>(`select mn, password from monitoring_device where mn = any($1::text[])`, [mns]);
      const found = new Map<string, Hj212BoundDevice | null>(rows.map((r) => [r.mn, { mn: r.mn, password: r.password }]));
      for (const mn of mns ?? []) if (!found.has(mn)) found.set(mn, null);
      if (this.cache.size + found.size > 100_000) this.cache.clear();
      for (const [mn, device] of found) if ((this.forgottenAt.get(mn) ?? -1) < forgetsBefore) this.cache.set(mn, { at: startedAt, device });
      return found;
    } finally {
      if (--this.readsInFlight === 0) this.forgottenAt.clear();
    }
  }

  /**
   * Reads every bound device into the directory cache in one query (the gateway does before it
   * listens): a fleet that connects at once after a restart then finds its devices cached.
   * Returns the number read.
   */
  async preloadDirectory(): Promise<number> {
    return (await this.read(null)).size;
  }

  /** Drops the cached directory answer of one MN (after a binding changes). */
  forget(mn: string): void {
    this.cache.delete(mn);
    if (this.readsInFlight > 0) this.forgottenAt.set(mn, this.forgets);
    this.forgets++;
  }

  store(received: Hj212ReceivedPacket): Promise<{ stored: boolean }> {
    const p = received.packet;
    if (!p.mn) return Promise.reject(new Error('a packet without MN cannot be stored'));
    const dataTime = hj212DataTimeToDate(p.dataTime);
    const row = {
      received_on: chinaDateOf(received.receivedAt),
      received_at: received.receivedAt.toISOString(),
      mn: p.mn,
      qn: p.qn,
      st: p.st,
      cn: p.cn,
      data_time: dataTime ? dataTime.toISOString() : null,
      repeat_key: hj212RepeatKey(p),
      status: received.status,
      dialect: p.dialect,
      pollutants: pollutantJson(p),
      segment: received.segment,
      peer: received.peer,
    };
    const to = row.cn === '2061' ? this.hourly : this.data;
    return new Promise((resolve, reject) => {
      to.queue.push({ row, resolve, reject });
      this.pump(to);
    });
  }

  /** Starts writes of the lane's queue while it has a free writer (after `batchDelayMs`, unless a batch is full). */
  private pump(l: WriteLane, delayed = false): void {
    while (l.queue.length > 0 && l.inFlight < l.maxInFlight) {
      if (!delayed && this.opts.batchDelayMs > 0 && l.queue.length < this.opts.batchSize) {
        l.timer ??= setTimeout(() => {
          l.timer = null;
          this.pump(l, true);
        }, this.opts.batchDelayMs);
        return;
      }
      void this.write(l, l.queue.splice(0, this.opts.batchSize));
    }
  }

  private async write(l: WriteLane, batch: Pending[]): Promise<void> {
    l.inFlight++;
    try {
      const stored = await this.writeBatch(batch.map((b) => b.row));
      batch.forEach((b, i) => b.resolve({ stored: stored[i] }));
    } catch (e) {
      for (const b of batch) b.reject(e);
    } finally {
      l.inFlight--;
      this.pump(l);
    }
  }

  private async writeBatch(rows: Array<Record<string, unknown>>): Promise<boolean[]> {
    for (const day of new Set(rows.map((r) => r.received_on as string))) await this.ensurePartition(day);
    // Repeats inside the batch: the first copy stands for the others.
    const firstOf = new Map<string, number>();
    const unique: Array<Record<string, unknown>> = [];
    const slot: number[] = rows.map((r) => {
      const k = r.repeat_key === null ? null : `${r.mn}\u0000${r.repeat_key}`;
      const t = r.data_time === null ? null : `${r.mn}\u0000${r.cn}\u0000${r.data_time}`;
      const seen = (k !== null ? firstOf.get(k) : undefined) ?? (t !== null ? firstOf.get(t) : undefined);
      if (seen !== undefined) return -1;
      const at = unique.length;
      unique.push(r);
      if (k !== null) firstOf.set(k, at);
      if (t !== null) firstOf.set(t, at);
      return at;
    });
    // Minute and real-time data (most of the traffic) is one statement, packets and senders together,
    // so a batch costs one round trip; hourly data also derives hours and days, in one transaction.
    const packets = JSON.stringify(unique.map((r, i) => ({ ...r, i })));
    const hourly = unique.some((r) => r.cn === '2061');
    const { insertedAt, hours } = hourly
      ? await withTransaction(this.pool, async (client) => {
          const res = await client.query<{ i: number; received_on: string; id: string }>(INSERT_PACKETS, [packets]);
          const written =
            res.rows.length === 0 ? [] : await deriveHours(client, PACKETS_BY_ID, [res.rows.map((r) => r.received_on), res.rows.map((r) => r.id)]);
          return { insertedAt: new Set(res.rows.map((r) => Number(r.i))), hours: written };
        })
      : { insertedAt: new Set((await this.pool.query<{ i: number }>(INSERT_PACKETS, [packets])).rows.map((r) => Number(r.i))), hours: [] };
    if (hours.length > 0 && this.opts.onHoursWritten) {
      try {
        this.opts.onHoursWritten(hours);
      } catch (e) {
        this.opts.log?.(`hj212: hour listener failed: ${(e as Error).message}`);
      }
    }
    return slot.map((s) => s >= 0 && insertedAt.has(s));
  }

  /** Creates the day's partition of `hj212_packet` when missing. */
  async ensurePartition(day: string): Promise<void> {
    if (this.partitionsReady.has(day)) return;
    await ensureHj212Partition(this.pool, day);
    this.partitionsReady.add(day);
  }
}

const INSERT_PACKETS = `
  with x as (
    select * from jsonb_to_recordset($1::jsonb) as x(i int, received_on date, received_at timestamptz, mn text, qn text, st text, cn text,
      data_time timestamptz, repeat_key text, status text, dialect text, pollutants jsonb, segment text, peer text)
  ), fresh as materialized (
    select x.*, nextval(pg_get_serial_sequence('hj212_packet', 'id')) as id from x
     where not exists (select 1 from hj212_packet p where x.qn is not null and p.mn = x.mn and p.repeat_key = x.repeat_key
                          and p.received_on between x.received_on - 1 and x.received_on)
       and not exists (select 1 from hj212_packet p where x.data_time is not null and p.mn = x.mn and p.cn = x.cn
                          and p.data_time = x.data_time and p.received_on between x.received_on - 1 and x.received_on)
     order by i
  ), ins as (
    insert into hj212_packet (id, received_on, received_at, mn, qn, st, cn, data_time, repeat_key, status, dialect, pollutants, segment, peer)
    overriding system value
    select id, received_on, received_at, mn, qn, st, cn, data_time, repeat_key, status, dialect, pollutants, segment, peer from fresh
    on conflict (mn, repeat_key, received_on) do nothing
    returning id
  ), senders as (
    insert into hj212_sender as s (mn, first_packet_at, last_packet_at, packets, last_status, last_peer)
    select mn, min(received_at), max(received_at), count(*), (array_agg(status order by received_at desc))[1], (array_agg(peer order by received_at desc))[1]
      from fresh where id in (select id from ins)
     group by mn order by mn
    on conflict (mn) do update set last_packet_at = greatest(s.last_packet_at, excluded.last_packet_at),
      packets = s.packets + excluded.packets, last_status = excluded.last_status, last_peer = excluded.last_peer
  )
  select fresh.i, fresh.received_on::text as received_on, fresh.id from ins join fresh on fresh.id = ins.id`;

const PACKETS_BY_ID = `(p.received_on, p.id) in (select * from unnest($1::date[], $2::bigint[]))`;

/**
 * Hourly values from the accepted hourly packets (`CN=2061`) the predicate selects, then the
 * provisional daily summaries of the days they touch. Returns the hours written.
 */
export async function deriveHours(client: PoolClient, packetPredicate: string, params: unknown[]): Promise<Hj212HourWritten[]> {
  const { rows } = await client.query<{ credit_code: string; outlet_code: string; pollutant_code: string; hour: Date }>(
    `insert into monitoring_hour as h (credit_code, outlet_code, pollutant_code, hour, avg, min, max, flag, mn, received_at)
     select distinct on (d.credit_code, d.outlet_code, e->>'code', p.data_time)
            d.credit_code, d.outlet_code, e->>'code', p.data_time, (e->>'avg')::float8, (e->>'min')::float8, (e->>'max')::float8,
            e->>'flag', p.mn, p.received_at
       from hj212_packet p
       join monitoring_device d on d.mn = p.mn
       cross join jsonb_array_elements(p.pollutants) e
      where p.status = 'ACCEPTED' and p.cn = '2061' and p.data_time is not null and e->>'code' is not null and ${packetPredicate}
      order by d.credit_code, d.outlet_code, e->>'code', p.data_time, p.received_at desc
     on conflict (credit_code, outlet_code, pollutant_code, hour) do update set avg = excluded.avg, min = excluded.min,
       max = excluded.max, flag = excluded.flag, mn = excluded.mn, received_at = excluded.received_at
     returning credit_code, outlet_code, pollutant_code, hour`,
    params,
  );
  if (rows.length === 0) return [];
  await summariseDays(
    client,
    rows.map((r) => r.credit_code),
    rows.map((r) => r.outlet_code),
    rows.map((r) => r.pollutant_code),
    rows.map((r) => chinaDateOf(r.hour)),
  );
  return rows.map((r) => ({ creditCode: r.credit_code, outletCode: r.outlet_code, pollutantCode: r.pollutant_code, hour: r.hour }));
}

/**
 * The daily summaries (spec/hj212.md "What the hub makes of it") of the given outlet, pollutant
 * and China dates, written to `monitoring_day` as provisional: `validHours` = hours flagged `N`,
 * `exceedHours` = valid hours whose average is above the bound limit (an hour flagged `C`, `M` or
 * anything else never counts), `dailyMean` = mean of the valid averages. Only pollutants with a
 * bound limit are summarised; an official (platform) summary already there is left alone.
 */
export async function summariseDays(client: PoolClient, creditCodes: string[], outletCodes: string[], pollutantCodes: string[], days: string[]): Promise<void> {
  await client.query(`select set_config('hub.monitoring_provisional', 'on', true)`);
  await client.query(
    `with k as (select distinct * from unnest($1::text[], $2::text[], $3::text[], $4::date[]) as k(credit_code, outlet_code, pollutant_code, day))
     insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours, daily_mean, limit_value, unit)
     select k.credit_code, k.outlet_code, k.pollutant_code, k.day,
            count(*) filter (where h.flag = 'N' and h.avg is not null),
            count(*) filter (where h.flag = 'N' and h.avg > l.limit_value),
            avg(h.avg) filter (where h.flag = 'N'),
            l.limit_value, l.unit
       from k
       join monitoring_device d on d.credit_code = k.credit_code and d.outlet_code = k.outlet_code
       join monitoring_device_limit l on l.mn = d.mn and l.pollutant_code = k.pollutant_code
       join monitoring_hour h on h.credit_code = k.credit_code and h.outlet_code = k.outlet_code and h.pollutant_code = k.pollutant_code
        and h.hour >= (k.day::timestamp at time zone '${CHINA_TIME_ZONE}') and h.hour < ((k.day + 1)::timestamp at time zone '${CHINA_TIME_ZONE}')
      group by k.credit_code, k.outlet_code, k.pollutant_code, k.day, l.limit_value, l.unit
      order by 1, 2, 3, 4
     on conflict (credit_code, outlet_code, pollutant_code, day) do update set valid_hours = excluded.valid_hours,
       exceed_hours = excluded.exceed_hours, daily_mean = excluded.daily_mean, limit_value = excluded.limit_value, unit = excluded.unit
      where monitoring_day.provisional`,
    [creditCodes, outletCodes, pollutantCodes, days],
  );
  await client.query(`select set_config('hub.monitoring_provisional', '', true)`);
}

function partitionName(day: string): string {
  return `hj212_packet_p${day.replace(/-/g, '')}`;
}

/** Creates the partition of `hj212_packet` for one China date (`YYYY-MM-DD`) if it is missing. */
export async function ensureHj212Partition(pool: Pool | PoolClient, day: string): Promise<void> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a date: ${day}`);
  try {
    await pool.query(`create table if not exists ${partitionName(day)} partition of hj212_packet for values from ('${day}') to ('${day}'::date + 1)`);
  } catch (e) {
    // Two processes creating the same partition at once: the loser sees a duplicate.
    if (!/already exists/.test((e as Error).message)) throw e;
  }
}

/**
 * Partition upkeep: creates today's and the next `aheadDays` partitions (China dates) and drops
 * those older than `retentionDays`. Returns the partitions dropped.
 */
export async function maintainHj212Partitions(pool: Pool, opts: { now?: Date; aheadDays?: number; retentionDays?: number } = {}): Promise<string[]> {
  const now = opts.now ?? new Date();
  const ahead = opts.aheadDays ?? 2;
  const retention = opts.retentionDays ?? 14;
  for (let i = 0; i <= ahead; i++) await ensureHj212Partition(pool, chinaDateOf(new Date(now.getTime() + i * 86_400_000)));
  const oldest = chinaDateOf(new Date(now.getTime() - (retention - 1) * 86_400_000)).replace(/-/g, '');
  const { rows } = await pool.query<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
      where p.relname = 'hj212_packet' order by 1`,
  );
  const dropped: string[] = [];
  for (const { name } of rows) {
    const m = /^hj212_packet_p(\d{8})$/.exec(name);
    if (m && m[1] < oldest) {
      await pool.query(`drop table if exists ${name}`);
      dropped.push(name);
    }
  }
  return dropped;
}

/**
 * Hourly values (`monitoring_hour`) older than `retentionDays` (default 400) deleted, in batches
 * so no one statement holds many locks. Returns the number deleted. The daily summaries made of
 * them stay in `monitoring_day`.
 */
export async function pruneHj212Hours(pool: Pool, opts: { now?: Date; retentionDays?: number; batch?: number } = {}): Promise<number> {
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - (opts.retentionDays ?? 400) * 86_400_000).toISOString();
  const batch = opts.batch ?? 10_000;
  let total = 0;
  for (;;) {
    const r = await pool.query(`delete from monitoring_hour where ctid = any(array(select ctid from monitoring_hour where hour < $1::timestamptz limit $2))`, [
      cutoff,
      batch,
    ]);
    total += r.rowCount ?? 0;
    if ((r.rowCount ?? 0) < batch) return total;
  }
}
