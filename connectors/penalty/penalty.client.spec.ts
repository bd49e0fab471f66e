import http from 'node:http';
import { AddressInfo } from 'node:net';
import { FetchContext } from '../../src/connectors/connector.types';
import { HttpClient } from '../../src/connectors/http.client';
import { fetchPenaltyWindows } from './penalty.client';

const HEADER = '\uFEFF案件编号,统一社会信用代码,决定日期,罚款金额,按日连续处罚,状态,修改时间';
const EXPORT = Buffer.from(
  [HEADER, ...[1, 2, 3].map((n) => `鲁环罚〔2026〕${n}号,91370102MA3C4R5X2B,2026-04-1${n},1000.00,否,已执行,2026-04-1${n}T09:00:00+08:00`), ''].join('\r\n'),
);

/** A real HTTP server answering every export request with `body`. */
async function exportServer(body: Buffer) {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' }).end(body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function fetchAll(body: Buffer): Promise<unknown[]> {
  const s = await exportServer(body);
  try {
    const now = new Date('2026-04-20T04:00:00Z');
    const ctx: FetchContext = {
      http: new HttpClient({ maxAttempts: 1 }),
      baseUrl: s.url,
      config: { startDate: '2026-04-19' },
      cursor: null,
      log: () => undefined,
      now,
    };
    const items: unknown[] = [];
    for await (const page of fetchPenaltyWindows(ctx)) items.push(...page.items);
    return items;
  } finally {
    await s.close();
  }
}

/** Adds a column `备注` after the second one, to the header and to every record line. */
function withExtraColumn(csv: Buffer): Buffer {
  const lines = csv.toString('utf8').split('\r\n');
  return Buffer.from(lines.map((l, i) => (l === '' ? l : l.replace(/^([^,]*,[^,]*),/, `$1,${i === 0 ? '备注' : 'note'},`))).join('\r\n'));
}

describe('penalty export over HTTP', () => {
  it('a column added by the source leaves every yielded row (the stored payload) as it was', async () => {
    const before = await fetchAll(EXPORT);
    const after = await fetchAll(withExtraColumn(EXPORT));
    expect(before.length).toBeGreaterThan(2);
    expect(after).toEqual(before);
  });

  it('a GBK body fails as a wrong encoding, not as a changed header', async () => {
    // The header 案件编号,… written in GBK (two bytes per character) is not UTF-8.
    const header = Buffer.from([0xb0, 0xb8, 0xbc, 0xfe, 0xb1, 0xe0, 0xba, 0xc5, 0x2c, 0x41, 0x0d, 0x0a]);
    await expect(fetchAll(header)).rejects.toThrow(/wrong encoding.*GBK/);
  });
});
