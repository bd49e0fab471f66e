import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One recorded answer of a source system. */
export interface RecordedAnswer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * The pages a connector's `fetch` read from the simulator, by request
 * (`GET /path?sorted=query`), with the time the run started (`now`: the
 * monitoring and penalty connectors walk dates up to it).
 */
export interface SourceRecording {
  now: string;
  answers: Record<string, RecordedAnswer>;
}

/** The key of a request: method, path and its query parameters sorted, so the order a client sends them in does not matter. */
export function requestKey(method: string, rawUrl: string): string {
  const url = new URL(rawUrl, 'http://source');
  const query = [...url.searchParams.entries()].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return `${method} ${url.pathname}${query.length ? `?${new URLSearchParams(query).toString()}` : ''}`;
}

interface RunningSource {
  url: string;
  /** Requests that were not in the recording (answered 404). */
  misses: string[];
  close(): Promise<void>;
}

function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>, misses: string[]): Promise<RunningSource> {
  const server = http.createServer((req, res) => {
    handler(req, res).catch((e) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        misses,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

const answer = (res: http.ServerResponse, a: RecordedAnswer) => res.writeHead(a.status, { 'content-type': a.contentType }).end(a.body);

/** Serves a recording: a recorded request gets its recorded answer; any other gets 404 and is listed in `misses`. */
export function replaySource(recording: SourceRecording): Promise<RunningSource> {
  const misses: string[] = [];
  return serve(async (req, res) => {
    const key = requestKey(req.method ?? 'GET', req.url ?? '/');
    const recorded = recording.answers[key];
    if (recorded) return answer(res, recorded);
    misses.push(key);
    answer(res, { status: 404, contentType: 'application/json', body: JSON.stringify({ error: `not recorded: ${key}` }) });
  }, misses);
}

/** A proxy in front of `target` (the simulator) that records every answer into `into.answers`. */
export function recordSource(target: string, into: SourceRecording): Promise<RunningSource> {
  return serve(async (req, res) => {
    const key = requestKey(req.method ?? 'GET', req.url ?? '/');
    const upstream = await fetch(`${target}${req.url}`, { method: req.method });
    const recorded = { status: upstream.status, contentType: upstream.headers.get('content-type') ?? 'application/octet-stream', body: await upstream.text() };
    into.answers[key] = recorded;
    answer(res, recorded);
  }, []);
}
