/**
 * The simulator's HTTP server (plain `node:http`): the five source systems, the
 * admin API and `/healthz`, with request faults (500, delay, drop) applied around
 * the system routes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector, type FaultConfig } from './fault-injection';
import { BadRequest, json, type RouteContext, type RouteHandler, type SimResponse } from './http-kit';
import { generateProvince } from './province.generator';
import { SourceDataStore } from './source-data.store';
import { adminRoute } from './systems/admin.route';
import { CREDIT_PATH, creditRoute } from './systems/credit.route';
import { ENFORCEMENT_PATH, enforcementRoute } from './systems/enforcement.route';
import { MONITORING_PATH, monitoringRoute } from './systems/monitoring.route';
import { PENALTY_PATH, penaltyRoute } from './systems/penalty.route';
import { PERMIT_PATH, permitRoute } from './systems/permit.route';

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** Port (0 = ephemeral; default 4100). */
  port?: number;
  /** Host to bind (default 127.0.0.1). */
  host?: string;
  /** Data folder with permit.json, enforcement.json, … (fixture format); wins over generation. */
  dataDir?: string;
  /** Number of enterprises to generate when no data folder is given (default 2000). */
  enterprises?: number;
  /** Generator seed (default 1). */
  seed?: number;
  /** Simulated today, `YYYY-MM-DD` (default: the real date in China). */
  today?: string;
  /** Days of generated monitoring history (default 30). */
  monitoringDays?: number;
  /** Share of generated enforcement records and penalty cases with identity noise (default 0; `identity-noise.ts`). */
  identityNoise?: number;
  /** Seed of the identity noise (default: `seed`). */
  identityNoiseSeed?: number;
  /** Faults at start (all off by default). */
  faults?: Partial<FaultConfig>;
  /** A prepared store (overrides dataDir and generation). */
  store?: SourceDataStore;
}

/** A running simulator. */
export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:4100`. */
  url: string;
  port: number;
  store: SourceDataStore;
  faults: FaultInjector;
  /** Stops listening, cancels delayed responses and closes open connections. */
  close(): Promise<void>;
}

const SYSTEM_ROUTES: Record<string, RouteHandler> = {
  [PERMIT_PATH]: permitRoute,
  [ENFORCEMENT_PATH]: enforcementRoute,
  [PENALTY_PATH]: penaltyRoute,
  [MONITORING_PATH]: monitoringRoute,
  [CREDIT_PATH]: creditRoute,
};

const MAX_BODY_BYTES = 256 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) reject(new BadRequest('request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function write(res: http.ServerResponse, r: SimResponse, drop = false): void {
  if (res.destroyed) return;
  res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
  if (!drop) {
    res.end(r.body);
    return;
  }
  // Part of the body, then the connection goes away.
  res.write(r.body.subarray(0, Math.max(1, Math.floor(r.body.length / 2))), () => res.destroy());
}

/** Builds the store from the options: a prepared store, a data folder, or the generator. */
export function storeFromOptions(opts: SimulatorOptions): SourceDataStore {
  if (opts.store) return opts.store;
  if (opts.dataDir) return SourceDataStore.fromDataDir(opts.dataDir);
  return SourceDataStore.fromGenerated(
    generateProvince({
      enterprises: opts.enterprises ?? 2000,
      seed: opts.seed ?? 1,
      today: opts.today,
      monitoringDays: opts.monitoringDays,
      identityNoise: opts.identityNoise,
      identityNoiseSeed: opts.identityNoiseSeed,
    }),
  );
}

/** Starts the simulator and resolves once it listens. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const store = storeFromOptions(opts);
  const faults = new FaultInjector(opts.faults ?? {});
  const timers = new Set<NodeJS.Timeout>();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://simulator');
    let response: SimResponse;
    try {
      const raw = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
      let body: unknown;
      if (raw.length) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new BadRequest('body is not valid JSON');
        }
      }
      const ctx: RouteContext = { method, url, body, store, faults };
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
      if (path === '/healthz') {
        write(res, json(200, { status: 'ok' }));
        return;
      }
      if (path.startsWith('/admin/')) {
        write(res, adminRoute(ctx) ?? json(404, { error: `no admin endpoint ${method} ${path}` }));
        return;
      }
      const route = SYSTEM_ROUTES[path];
      if (!route) {
        write(res, json(404, { error: `no such endpoint: ${path}; systems: ${Object.keys(SYSTEM_ROUTES).join(', ')}` }));
        return;
      }
      if (method !== 'GET') {
        write(res, json(405, { error: `use GET on ${path}` }, { allow: 'GET' }));
        return;
      }
      const rf = faults.forRequest(method, req.url ?? '/');
      if (rf.error500) {
        const retry = faults.config.retryAfterSeconds;
        response = json(500, { error: 'simulated internal server error (fault injection)' }, retry === null ? {} : { 'retry-after': String(retry) });
      } else {
        response = route(ctx);
      }
      if (rf.delayMs > 0) {
        const t = setTimeout(() => {
          timers.delete(t);
          write(res, response, rf.drop);
        }, rf.delayMs);
        timers.add(t);
        return;
      }
      write(res, response, rf.drop);
    } catch (e) {
      if (e instanceof BadRequest) write(res, json(400, { error: e.message }));
      else write(res, json(500, { error: `simulator failure: ${(e as Error).message}` }));
    }
  };

  const server = http.createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 5000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 4100, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    store,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
