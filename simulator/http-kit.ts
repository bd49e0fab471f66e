/**
 * Small helpers for the simulator's plain `node:http` routes: responses as values,
 * query parameter parsing that fails with the parameter's name.
 */
import type { FaultInjector } from './fault-injection';
import type { SourceDataStore } from './source-data.store';

/** A response before it is written (so faults can be applied around it). */
export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What a route handler receives. */
export interface RouteContext {
  method: string;
  url: URL;
  body: unknown;
  store: SourceDataStore;
  faults: FaultInjector;
}

/** A route handler. */
export type RouteHandler = (ctx: RouteContext) => SimResponse;

/** A bad request: the message names the parameter. */
export class BadRequest extends Error {}

/** JSON response. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

/** Reads an integer query parameter within [min, max], or `fallback` when absent or empty. */
export function intParam(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new BadRequest(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  const v = Number(raw);
  if (v < min || v > max) throw new BadRequest(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  return v;
}
