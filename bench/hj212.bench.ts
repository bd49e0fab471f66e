/**
 * Benchmark of the HJ 212 gateway (issue 17). One `hub serve` process (its own child process,
 * gateway on) and one `hub dau-sim` process (its own child process) playing N DAUs of the
 * generated province, each on its own TCP connection, sending minute data (`CN=2051`) every
 * `interval` seconds for `seconds` seconds, no faults. This process binds the DAUs (set-based
 * SQL from the same device list `hub dau-sim --print-bindings` writes), watches the store and
 * plays one graphql-ws subscriber and a probe DAU.
 *
 * Figures:
 * - packets/s stored, sustained (from the end of the first interval to the end of sending, and
 *   the lowest 10-second window);
 * - lost and duplicated packets: the distinct packets the simulator sent against the rows of
 *   `hj212_packet` (distinct MN + DataTime, and rows beyond that);
 * - p50/p99 from packet sent to its answer received (measured by the simulator) and to its row
 *   committed (a reader here polls the store every 25 ms; a packet's send time is its `QN`, which
 *   the simulator stamps to the millisecond as it sends);
 * - the hub's resident memory (peak, sampled every second, and at the end);
 * - exceedance → subscriber: during the run a probe DAU sends two consecutive exceeding hourly
 *   averages; the time from the write of the second to the receipt of `REALTIME_EXCEED` by a
 *   graphql-ws subscriber of the county (three probes, at ¼, ½ and ¾ of the run).
 *
 * Prints the figures and the targets (≥ 1,000 packets/s sustained, p99 answer ≤ 200 ms,
 * exceedance → subscriber ≤ 2 s, hub RSS ≤ 500 MB); asserts nothing.
 *
 * 20,000 sockets need about 20,000 file descriptors in each of the two processes: the children
 * are started with their soft limit (`ulimit -n`) raised to what is needed when the hard limit
 * allows it (or the hard limit too, where this user may raise it); when it does not, the
 * benchmark says so, names what to raise, and runs as many DAUs as the limit allows.
 *
 *   npm run build && node dist/bench/hj212.bench.js [--devices N] [--seconds S] [--interval-s S]
 *   (or HJ212_BENCH_DEVICES, HJ212_BENCH_SECONDS, HJ212_BENCH_INTERVAL_S; defaults 20,000, 300, 10)
 */
import 'reflect-metadata';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from 'graphql-ws';
import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { projectRoot } from '../src/config/project-root';
import { withCheckChar } from '../src/domain/credit-code';
import { findFreePort } from '../src/db/embedded-postgres';
import { Hj212ClientConnection } from '../src/gateway/hj212-client';
import { encodeHj212Packet } from '../src/gateway/hj212-packet';
import { bindMonitoringDeviceRows } from '../src/gateway/monitoring-device.store';
import { provinceDaus } from '../simulator/dau/dau-devices';
import { freshBenchDatabase, machineLine, exitWhenDone } from './support/bench-env';
import { connectSubscriber } from './support/ws-subscriber';

const { values: args } = parseArgs({
  options: { devices: { type: 'string' }, seconds: { type: 'string' }, 'interval-s': { type: 'string' }, enterprises: { type: 'string' } },
});
let DEVICES = Number(args.devices ?? process.env.HJ212_BENCH_DEVICES ?? 20_000);
const SECONDS = Number(args.seconds ?? process.env.HJ212_BENCH_SECONDS ?? 300);
const INTERVAL_S = Number(args['interval-s'] ?? process.env.HJ212_BENCH_INTERVAL_S ?? 10);
/** About one enterprise in seven has a monitored outlet: a province large enough for DEVICES DAUs. */
const ENTERPRISES = Number(args.enterprises ?? Math.max(2_000, DEVICES * 8));
const POLL_MS = 25;
/** Descriptors a process needs besides one per DAU (pools, listeners, pipes, files; a hub serve holds about 40 at rest). */
const FD_OVERHEAD = 200;
const COUNTY = '370102';
const PROBE = withCheckChar(`91${COUNTY}MAHJ212P1`);
const PROBE_PW = '212212';
const HUB_BIN = path.join(projectRoot(), 'bin', 'hub.js');

const TARGETS = { packetsPerSecond: 1000, answerP99Ms: 200, exceedToSubscriberMs: 2000, rssMb: 500 };

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

/** Milliseconds (UTC) of a QN `YYYYMMDDhhmmsszzz` in China time. */
function qnMs(qn: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})$/.exec(qn);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4] - 8, +m[5], +m[6], +m[7]) : NaN;
}

/** HJ 212 DataTime (China time) of the whole hour `hoursAgo` before the current one. */
function hourAgo(hoursAgo: number): string {
  const t = new Date(Math.floor(Date.now() / 3600_000) * 3600_000 - hoursAgo * 3600_000 + 8 * 3600_000);
  return t.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The soft and hard file-descriptor limits children of this process get, as `sh` reports them. */
function fdLimits(): { soft: number; hard: number } {
  const read = (flag: string) => {
    const v = execFileSync('sh', ['-c', `ulimit ${flag}`], { encoding: 'utf8' }).trim();
    return v === 'unlimited' ? Infinity : Number(v);
  };
  return { soft: read('-Sn'), hard: read('-Hn') };
}

/** Whether a child may raise its hard descriptor limit to `fds` (root with CAP_SYS_RESOURCE may). */
function canRaiseHard(fds: number): boolean {
  try {
    execFileSync('sh', ['-c', `ulimit -n ${fds}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Spawns `node bin/hub.js …`, with its descriptor limit raised to `fds` first (through `sh -c ulimit`, then exec) unless `raise` is 'no'. */
function spawnHub(hubArgs: string[], env: NodeJS.ProcessEnv, fds: number, raise: 'no' | 'soft' | 'both', nodeArgs: string[] = []): ChildProcess {
  const opts = { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] as ('ignore' | 'pipe')[] };
  if (raise === 'no') return spawn(process.execPath, [...nodeArgs, HUB_BIN, ...hubArgs], opts);
  const ulimit = raise === 'soft' ? `ulimit -Sn ${fds}` : `ulimit -n ${fds}`;
  return spawn('sh', ['-c', `${ulimit} && exec "$0" "$@"`, process.execPath, ...nodeArgs, HUB_BIN, ...hubArgs], opts);
}

/** Node options for the hub serve process alone, e.g. `HJ212_BENCH_HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` to profile it. */
const HUB_NODE_ARGS = (process.env.HJ212_BENCH_HUB_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
/** Node options for the `hub dau-sim` process alone (the same use: `HJ212_BENCH_SIM_NODE_ARGS="--cpu-prof …"`). */
const SIM_NODE_ARGS = (process.env.HJ212_BENCH_SIM_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

/** Open file descriptors of a process (NaN when it is gone). */
function openFds(pid: number): number {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}: ${out.slice(-2000)}`)), timeoutMs);
    // A command prints its progress on stdout and the hub logs on stderr: read both.
    const onData = (d: Buffer) => {
      out += d;
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what}: process exited (${code}): ${out.slice(-2000)}`));
    });
  });
}

/**
 * Reads the rows of `hj212_packet` as they are committed: polls `id > w` on today's and
 * tomorrow's partitions, where w is the highest id below which every id has been seen (two
 * batches may commit out of id order); an id missing for 2 s (a repeat that lost its insert)
 * is passed over.
 */
class CommitWatcher {
  readonly latencies: number[] = [];
  /** Latencies of the packets sent from `steadyFrom` on (after the first minute of sending). */
  readonly steadyLatencies: number[] = [];
  steadyFrom = Infinity;
  readonly perSecond = new Map<number, number>();
  rows = 0;
  private w = 0;
  private readonly ahead = new Set<number>();
  private gapSince = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly pool: import('pg').Pool,
    private readonly excludeMn: Set<string>,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), POLL_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 5));
    await this.poll();
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
      const { rows } = await this.pool.query<{ id: string; mn: string; qn: string | null }>(
        `select id, mn, qn from hj212_packet where received_on = any($2::date[]) and id > $1 order by id`,
        [this.w, [day(-1), day(0), day(1)]],
      );
      const seenAt = Date.now();
      for (const r of rows) {
        const id = Number(r.id);
        if (this.ahead.has(id)) continue;
        this.ahead.add(id);
        if (this.excludeMn.has(r.mn)) continue;
        this.rows++;
        const sec = Math.floor(seenAt / 1000);
        this.perSecond.set(sec, (this.perSecond.get(sec) ?? 0) + 1);
        if (!r.qn) continue;
        const sent = qnMs(r.qn);
        this.latencies.push(seenAt - sent);
        if (sent >= this.steadyFrom) this.steadyLatencies.push(seenAt - sent);
      }
      while (this.ahead.has(this.w + 1)) this.ahead.delete(++this.w);
      if (this.ahead.size === 0) this.gapSince = 0;
      else if (this.gapSince === 0) this.gapSince = seenAt;
      else if (seenAt - this.gapSince > 2000) {
        this.w = Math.min(...this.ahead) - 1;
        while (this.ahead.has(this.w + 1)) this.ahead.delete(++this.w);
        this.gapSince = this.ahead.size ? seenAt : 0;
      }
    } finally {
      this.busy = false;
    }
  }
}

async function main(): Promise<void> {
  if (!(DEVICES > 0 && SECONDS > 0 && INTERVAL_S > 0)) throw new Error('--devices, --seconds and --interval-s must be positive numbers');
  // File descriptors: each DAU is one socket in the simulator and one in the hub (plus the hub's pools, listeners and files).
  const limits = fdLimits();
  const asked = DEVICES;
  let raise: 'no' | 'soft' | 'both' = 'no';
  if (limits.soft < DEVICES + FD_OVERHEAD) raise = limits.hard >= DEVICES + FD_OVERHEAD ? 'soft' : canRaiseHard(DEVICES + FD_OVERHEAD) ? 'both' : 'no';
  if (limits.soft < DEVICES + FD_OVERHEAD && raise === 'no') {
    // The hard limit cannot be raised here: run as many DAUs as it allows, and say so.
    DEVICES = Math.max(0, limits.hard - FD_OVERHEAD);
    if (DEVICES < 1) throw new Error(`the hard descriptor limit ${limits.hard} leaves no room for DAUs`);
    raise = limits.soft >= DEVICES + FD_OVERHEAD ? 'no' : 'soft';
    console.log(
      `\n*** RUNNING ${DEVICES} DAUs, NOT ${asked}: ${asked} connections need about ${asked + FD_OVERHEAD} file descriptors in the hub process and in ` +
        `the simulator, but the hard limit (ulimit -Hn) is ${limits.hard} and cannot be raised by this user. For ${asked}, raise it first ` +
        `(root with CAP_SYS_RESOURCE: ulimit -Hn ${asked + FD_OVERHEAD}; LimitNOFILE= of a systemd service; docker run --ulimit nofile=${asked + FD_OVERHEAD}; ` +
        `nofile in /etc/security/limits.conf). ***\n`,
    );
  }
  const need = DEVICES + FD_OVERHEAD;
  console.log(
    `file descriptors: need ~${need} per process; soft limit ${limits.soft}, hard ${limits.hard}` +
      (raise === 'no' ? ' — enough' : ` — the children run with ${raise === 'soft' ? 'their soft limit' : 'soft and hard limits'} raised to ${need}`),
  );

  const t0 = Date.now();
  const daus = provinceDaus({ enterprises: ENTERPRISES, seed: 1, limit: DEVICES });
  if (daus.length < DEVICES) throw new Error(`a province of ${ENTERPRISES} enterprises has only ${daus.length} monitored outlets; pass --enterprises`);
  console.log(`province of ${ENTERPRISES} enterprises: ${daus.length} DAUs (${((Date.now() - t0) / 1000).toFixed(1)} s to generate)`);

  const bench = await freshBenchDatabase('hj212');
  let serve: ChildProcess | undefined;
  let dauSim: ChildProcess | undefined;
  let subscriber: Client | undefined;
  let watcher: CommitWatcher | undefined;
  const probes: Hj212ClientConnection[] = [];
  try {
    const pool = bench.db.pool;
    // Bindings, set-based (the same rows `hub devices bind --file` writes one by one).
    for (let i = 0; i < daus.length; i += 5000) {
      const chunk = daus.slice(i, i + 5000);
      await pool.query(
        `insert into monitoring_device (mn, credit_code, outlet_code, password, bound_by)
         select mn, credit_code, outlet_code, password, 'bench' from jsonb_to_recordset($1::jsonb) as x(mn text, credit_code text, outlet_code text, password text)`,
        [JSON.stringify(chunk.map((d) => ({ mn: d.mn, credit_code: d.creditCode, outlet_code: d.outletCode, password: d.password })))],
      );
      await pool.query(
        `insert into monitoring_device_limit (mn, pollutant_code, limit_value, unit)
         select mn, pollutant_code, limit_value, unit from jsonb_to_recordset($1::jsonb) as x(mn text, pollutant_code text, limit_value float8, unit text)`,
        [JSON.stringify(chunk.flatMap((d) => d.limits.map((l) => ({ mn: d.mn, pollutant_code: l.pollutantCode, limit_value: l.limit, unit: l.unit }))))],
      );
    }
    // The probe: an enterprise of the county with three bound outlets.
    await pool.query(`insert into enterprise (credit_code, name, division_code) values ($1, 'HJ 212 基准探针企业', $2)`, [PROBE, COUNTY]);
    const probeMns = [1, 2, 3].map((i) => `${COUNTY}HJ212PROBEDA00${i}0000`.slice(0, 24));
    for (const [i, mn] of probeMns.entries()) {
      await bindMonitoringDeviceRows(
        pool,
        { mn, creditCode: PROBE, outletCode: `DA00${i + 1}`, password: PROBE_PW, limits: [{ pollutantCode: 'a21026', limit: 50, unit: 'mg/m3' }] },
        'bench',
      );
    }
    const services = await createHubServices(loadConfig({}), bench.db);
    const key = (await services.apiKeys.create({ name: 'bench county', divisionCode: COUNTY, role: 'BUREAU' })).key;

    const hj212Port = await findFreePort(44212);
    serve = spawnHub(
      ['serve', '--port', '0', '--hj212-port', String(hj212Port)],
      { DATABASE_URL: bench.url, HUB_SCHEDULE_OVERRIDE: '0 0 1 1 *', HUB_SOURCES_URL: 'http://127.0.0.1:9', LOG_FORMAT: 'json' },
      need,
      raise,
      HUB_NODE_ARGS,
    );
    serve.stderr!.on('data', (d) => process.stderr.write(`[hub] ${d}`));
    // hub serve logs JSON on stderr: the gateway's and the server's entries carry their ports.
    const gatewayLine = waitForLine(serve, /^\{.*"port":(\d+).*"msg":"hub HJ 212 gateway listening"\}$/m, 'the HJ 212 gateway', 120_000);
    const httpPort = Number((await waitForLine(serve, /^\{.*"port":(\d+).*"msg":"hub serving GraphQL"\}$/m, 'hub serve', 120_000))[1]);
    console.log(`hub serve: GraphQL on port ${httpPort}, HJ 212 gateway on port ${(await gatewayLine)[1]}`);
    const hubPid = serve.pid!;

    // The county's subscriber.
    const receipts: Array<{ subject: string; at: number }> = [];
    subscriber = await connectSubscriber(httpPort, key);
    subscriber.subscribe(
      { query: 'subscription { warningRaised(filter: { types: [REALTIME_EXCEED] }) { id type subject } }' },
      {
        next: (v: any) => receipts.push({ subject: v.data?.warningRaised?.subject, at: Date.now() }),
        error: (e) => console.error('subscriber error', e),
        complete: () => undefined,
      },
    );
    // graphql-ws acknowledges no subscribe: wait until the hub counts the subscription as listening.
    const listening = async () => {
      const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      return Number(/^hub_subscriptions_listening(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const listenBy = Date.now() + 60_000;
    while ((await listening()) < 1) {
      if (Date.now() > listenBy) throw new Error('the subscription was not listening on the hub within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }

    watcher = new CommitWatcher(pool, new Set(probeMns));
    watcher.start();
    let rssPeak = rssMb(hubPid);
    const rssIdle = rssPeak;
    let fdPeak = openFds(hubPid);
    const fdIdle = fdPeak;
    const rssTimer = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssMb(hubPid) || 0);
      fdPeak = Math.max(fdPeak, openFds(hubPid) || 0);
    }, 1000);

    // The DAUs.
    const simArgs = [
      'dau-sim',
      '--target',
      `127.0.0.1:${hj212Port}`,
      '--enterprises',
      String(ENTERPRISES),
      '--seed',
      '1',
      '--devices',
      String(DEVICES),
      '--rtd-interval-s',
      '0',
      '--minute-interval-s',
      String(INTERVAL_S),
      '--hour-interval-s',
      '0',
      '--exceed-share',
      '0',
      '--duration-s',
      String(SECONDS),
    ];
    const connectStarted = Date.now();
    dauSim = spawnHub(simArgs, {}, need, raise, SIM_NODE_ARGS);
    let simOut = '';
    dauSim.stdout!.on('data', (d) => {
      simOut += d;
      // The simulator's 10 s reports, as they come: a hub falling behind shows here first.
      for (const line of String(d).split('\n')) if (line.startsWith('dau-sim: packets')) console.log(`[dau-sim] ${line.slice(9)}`);
    });
    dauSim.stderr!.on('data', (d) => process.stderr.write(`[dau-sim] ${d}`));
    const simExit = new Promise<number | null>((r) => dauSim!.once('exit', r));
    await waitForLine(dauSim, /dau-sim: (\d+) DAUs connected/, 'dau-sim to connect', 600_000);
    const sendingFrom = Date.now();
    watcher.steadyFrom = sendingFrom + 60_000;
    console.log(`dau-sim: ${DEVICES} DAUs connected in ${((sendingFrom - connectStarted) / 1000).toFixed(1)} s (including generating the province)`);

    // Probes at ¼, ½ and ¾ of the run: two consecutive exceeding hours on one outlet each.
    const exceed: number[] = [];
    for (const [i, mn] of probeMns.entries()) {
      const at = sendingFrom + ((i + 1) * SECONDS * 1000) / 4;
      while (Date.now() < at) await new Promise((r) => setTimeout(r, Math.min(1000, at - Date.now())));
      const probe = await Hj212ClientConnection.connect('127.0.0.1', hj212Port);
      probes.push(probe);
      const packet = (dataTime: string, seq: number) =>
        encodeHj212Packet(
          `QN=${dataTime}${String(100 + seq)};ST=31;CN=2061;PW=${PROBE_PW};MN=${mn};Flag=5;CP=&&DataTime=${dataTime};a21026-Avg=${80 + seq},a21026-Min=70,a21026-Max=95,a21026-Flag=N&&`,
        );
      await probe.write(packet(hourAgo(2), 1));
      try {
        await probe.waitForAnswers(1, 30_000);
      } catch {
        // A hub too far behind to answer in 30 s: the probe is a miss, the run goes on to count the rest.
        exceed.push(NaN);
        console.log(`probe ${i + 1}: first exceeding hour not answered within 30 s`);
        continue;
      }
      const subject = `DA00${i + 1}/a21026`;
      const sentAt = Date.now();
      await probe.write(packet(hourAgo(1), 2));
      const until = Date.now() + 30_000;
      while (!receipts.some((r) => r.subject === subject) && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
      const got = receipts.find((r) => r.subject === subject);
      exceed.push(got ? got.at - sentAt : NaN);
      console.log(`probe ${i + 1}: second exceeding hour → subscriber ${got ? `${got.at - sentAt} ms` : 'not received within 30 s'}`);
    }

    const code = await simExit;
    const sendingTo = sendingFrom + SECONDS * 1000;
    await watcher.stop();
    clearInterval(rssTimer);
    const rssEnd = rssMb(hubPid);
    rssPeak = Math.max(rssPeak, rssEnd || 0);

    // What the simulator says it sent and had answered (its last report, after draining).
    const reports = [
      ...simOut.matchAll(/dau-sim: packets (\d+) .*?answers (\d+), .*?repeats (\d+), reconnects \d+, unanswered (\d+), answer p50 (\d+) ms p99 (\d+) ms.*/g),
    ];
    const last = reports[reports.length - 1];
    if (!last) throw new Error(`dau-sim (exit ${code}) printed no report: ${simOut.slice(-2000)}`);
    const [sent, answered, repeats, unanswered, answerP50, answerP99] = last.slice(1).map(Number);
    const steadyAnswers = /after the first 60 s p50 (\d+) ms p99 (\d+) ms \(n=(\d+)\)/.exec(last[0]);
    const simDelay = /dau-sim: simulator event-loop delay after the first 60 s: (.*)/.exec(simOut)?.[1] ?? 'n/a';

    const counts = (
      await pool.query<{ rows: string; distinct_packets: string; accepted: string }>(
        `select count(*) as rows, count(distinct (mn, data_time)) as distinct_packets, count(*) filter (where status = 'ACCEPTED') as accepted
           from hj212_packet where cn = '2051' and not (mn = any($1))`,
        [probeMns],
      )
    ).rows[0];
    const rows = Number(counts.rows);
    const distinct = Number(counts.distinct_packets);

    // Sustained: stored per second from the end of the first interval to the end of sending.
    const from = Math.floor((sendingFrom + INTERVAL_S * 1000) / 1000);
    const to = Math.floor(sendingTo / 1000);
    let windowRows = 0;
    for (let s = from; s < to; s++) windowRows += watcher.perSecond.get(s) ?? 0;
    const sustained = to > from ? windowRows / (to - from) : NaN;
    let lowest10 = Infinity;
    for (let s = from; s + 10 <= to; s++) {
      let n = 0;
      for (let k = s; k < s + 10; k++) n += watcher.perSecond.get(k) ?? 0;
      lowest10 = Math.min(lowest10, n / 10);
    }
    const commitP50 = pct(watcher.latencies, 50);
    const commitP99 = pct(watcher.latencies, 99);
    const exceedMax = exceed.some((x) => Number.isNaN(x)) ? NaN : Math.max(...exceed);
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

    console.log(`\nHJ 212 gateway benchmark — ${machineLine()}, ${bench.server}`);
    console.log(
      `setup: ${DEVICES} DAUs (one TCP connection each) of a ${ENTERPRISES}-enterprise province → one hub serve; minute data (CN=2051) every ${INTERVAL_S} s per DAU ` +
        `(offered ${(DEVICES / INTERVAL_S).toFixed(0)} packets/s) for ${SECONDS} s; no faults; dau-sim exit ${code}` +
        (DEVICES < asked ? ` — ${DEVICES} DAUs, not the ${asked} asked for: the descriptor limit allows no more` : ''),
    );
    console.log(`command: node dist/bench/hj212.bench.js --devices ${DEVICES} --seconds ${SECONDS} --interval-s ${INTERVAL_S}`);
    console.log(
      `packets/s sustained:      ${sustained.toFixed(0)} packets/s stored (lowest 10 s window ${Number.isFinite(lowest10) ? lowest10.toFixed(0) : 'n/a'}) — target ≥ ${TARGETS.packetsPerSecond}: ${verdict(sustained >= TARGETS.packetsPerSecond)}${DEVICES / INTERVAL_S < TARGETS.packetsPerSecond ? ` (offered only ${(DEVICES / INTERVAL_S).toFixed(0)}/s at this scale)` : ''}`,
    );
    console.log(
      `packets:                  sent ${sent} distinct, stored ${distinct} distinct in ${rows} rows (${counts.accepted} ACCEPTED); lost ${sent - distinct}, duplicated ${rows - distinct}; ` +
        `answered ${answered}, unanswered ${unanswered}, re-sent after a missing answer ${repeats}`,
    );
    console.log(
      `sent → answer received:   p50 ${answerP50} ms, p99 ${answerP99} ms (n=${answered}) — target p99 ≤ ${TARGETS.answerP99Ms} ms: ${verdict(answerP99 <= TARGETS.answerP99Ms)}`,
    );
    console.log(
      `  after the first 60 s:   ${steadyAnswers ? `p50 ${steadyAnswers[1]} ms, p99 ${steadyAnswers[2]} ms (n=${steadyAnswers[3]})` : 'n/a'}; ` +
        `the simulator's own event-loop delay after the first 60 s ${simDelay} (part of every answer time it measures)`,
    );
    console.log(
      `sent → row committed:     p50 ${commitP50} ms, p99 ${commitP99} ms (n=${watcher.latencies.length}; read by polling the store every ${POLL_MS} ms); ` +
        `after the first 60 s p50 ${pct(watcher.steadyLatencies, 50)} ms, p99 ${pct(watcher.steadyLatencies, 99)} ms (n=${watcher.steadyLatencies.length})`,
    );
    console.log(
      `hub RSS:                  peak ${rssPeak} MB (idle before the DAUs ${rssIdle} MB, at the end ${rssEnd} MB) — target ≤ ${TARGETS.rssMb} MB: ${verdict(rssPeak <= TARGETS.rssMb)}`,
    );
    console.log(`hub file descriptors:     peak ${fdPeak} open (idle before the DAUs ${fdIdle})`);
    console.log(
      `exceedance → subscriber:  ${exceed.map((x) => (Number.isNaN(x) ? 'none' : `${x} ms`)).join(', ')} (max ${Number.isNaN(exceedMax) ? 'n/a' : `${exceedMax} ms`}) — target ≤ ${TARGETS.exceedToSubscriberMs} ms: ${verdict(exceedMax <= TARGETS.exceedToSubscriberMs)}`,
    );
    console.log(
      `targets: ≥ ${TARGETS.packetsPerSecond} packets/s sustained, p99 answer ≤ ${TARGETS.answerP99Ms} ms, exceedance → subscriber ≤ ${TARGETS.exceedToSubscriberMs} ms, RSS ≤ ${TARGETS.rssMb} MB`,
    );
  } finally {
    // Stop polling the store before the pool goes, so an error above is the one reported.
    await watcher?.stop().catch(() => undefined);
    for (const p of probes) await p.close().catch(() => undefined);
    await subscriber?.dispose();
    for (const child of [dauSim, serve]) {
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
    await bench.drop();
  }
}

exitWhenDone(main());
