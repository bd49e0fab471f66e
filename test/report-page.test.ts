import http from 'node:http';
import zlib from 'node:zlib';
import { PNG } from 'pngjs';
import { createHubClient, EnterpriseHealthDocument, RiskiestEnterprisesDocument } from '../client/src';
import { RISK_COLOURS, contrastRatio } from '../src/report/report-i18n';
import { CHART_WINDOW_DAYS } from '../src/report/report-data.service';
import { addDays, chinaToday } from '../src/domain/china-date';
import { RISK_LEVELS } from '../src/domain/risk-band';
import { decodeQrPng } from './support/qr-decode';
import { TestHub, startTestHub } from './support/test-hub';
import { reportDeductionRows } from './support/report-rows';

function hex(rgb: [number, number, number]): string {
  return '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** A raw GET (node:http, so the body's encoding stays visible). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('risk badge colours', () => {
  it('meet WCAG AA for normal text (4.5:1) on the badge, and on white for the QR code', () => {
    const ratios = Object.fromEntries(RISK_LEVELS.map((l) => [l, Math.round(contrastRatio(RISK_COLOURS[l].text, RISK_COLOURS[l].main) * 100) / 100]));
    expect(ratios).toEqual({ LOW: 5.95, MEDIUM: 5.19, HIGH: 5.8 });
    for (const l of RISK_LEVELS) {
      expect(contrastRatio(RISK_COLOURS[l].text, RISK_COLOURS[l].main)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(RISK_COLOURS[l].main, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    }
    // The colours the issue measured fail, and the formula says so.
    expect(contrastRatio('#ffffff', '#c98a00')).toBeLessThan(3);
    expect(contrastRatio('#ffffff', '#1e8e3e')).toBeLessThan(4.5);
  });
});

describe('public report page and QR codes', () => {
  let hub: TestHub;
  let base: string;
  let high: { creditCode: string; score: number; name: string };
  let low: { creditCode: string; score: number };

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 120, seed: 11 } });
    base = `http://127.0.0.1:${hub.server!.port}`;
    const runs = await hub.services.runner.syncAll(['permit', 'enforcement', 'penalty', 'monitoring'], 'test');
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    const client = createHubClient({ url: `${base}/graphql`, apiKey: hub.adminKey });
    const riskiest = await client.request(RiskiestEnterprisesDocument, { first: 1 });
    high = riskiest.enterprises.edges[0].node;
    const lows = await hub.tdb.db.pool.query(
      `select credit_code as "creditCode", score from enterprise where risk_level = 'LOW' order by score desc, credit_code limit 1`,
    );
    low = lows.rows[0];
  }, 120_000);
  afterAll(async () => hub?.close());

  it('shows the enterprise, score, risk colour, deductions with rule and date, and the history chart', async () => {
    const res = await fetch(`${base}/report/${high.creditCode}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain(high.name);
    expect(html).toContain(`<span class="value" id="score">${high.score}</span>`);
    expect(html).toContain('data-risk="HIGH"');
    expect(html).toContain(`background:${RISK_COLOURS.HIGH.main}`);
    expect(html).toContain('高风险');
    // Every deduction of the GraphQL health report is on the page with its rule and date.
    const client = createHubClient({ url: `${base}/graphql`, apiKey: hub.adminKey });
    const { enterprise } = await client.request(EnterpriseHealthDocument, { creditCode: high.creditCode });
    const deductions = enterprise!.healthReport.deductions;
    expect(deductions.length).toBeGreaterThan(0);
    // (A month of an outlet's monitoring deductions is one row, its days folded inside it.)
    expect(reportDeductionRows(html).deductions.sort()).toEqual(deductions.map((d) => `${d.rule} ${d.date}`).sort());
    expect(html).toMatch(/<svg [^>]*class="score-chart"/);
    expect(enterprise!.reportUrl).toBe(`http://hub.test/report/${high.creditCode}`);
    expect(html).toContain(`<link rel="canonical" href="http://hub.test/report/${high.creditCode}">`);
    // Nothing of the raw records: no record ids, no payload fields.
    for (const d of deductions.slice(0, 20)) expect(html).not.toContain(d.recordId);
    expect(html).not.toMatch(/payload|source_record/);
  });

  it("draws both charts over the last 90 days ending today, and the outlets' daily monitoring as the rules see it", async () => {
    const today = chinaToday();
    const first = addDays(today, -(CHART_WINDOW_DAYS - 1));
    // An enterprise with monitoring rows, exceedances among them when the province has any.
    const target = (
      await hub.tdb.db.pool.query(
        `select credit_code from monitoring_day group by credit_code order by max(exceed_hours) desc, count(distinct outlet_code) desc, credit_code limit 1`,
      )
    ).rows[0].credit_code as string;
    const html = await (await fetch(`${base}/report/${target}`)).text();
    const ends = [...html.matchAll(/class="chart-end">([^<]+)</g)].map((m) => m[1]);
    expect(ends).toEqual([today, today]);
    expect(html).toContain(`>${first}</text>`);
    expect(html).toMatch(/<svg [^>]*class="monitoring-chart"/);
    const outlets = (
      await hub.tdb.db.pool.query(
        `select outlet_code, min(day)::text as first_day, max(day)::text as last_day,
                count(*) filter (where d.exceed >= 1)::int as exceed,
                count(*) filter (where d.exceed < 1 and d.valid >= 20)::int as ok,
                count(*) filter (where d.exceed < 1 and d.valid < 20)::int as short
           from (select outlet_code, day, max(exceed_hours) as exceed, max(valid_hours) as valid from monitoring_day
                  where credit_code = $1 and day >= $2::date group by outlet_code, day) d
          group by outlet_code order by outlet_code`,
        [target, first],
      )
    ).rows;
    expect(outlets.length).toBeGreaterThan(0);
    const strips = [...html.matchAll(/<g data-outlet="([^"]+)">(.*?)<\/g>/g)];
    expect(strips.map((m) => m[1])).toEqual(outlets.map((o) => o.outlet_code));
    for (const [i, o] of outlets.entries()) {
      const cells = [...strips[i][2].matchAll(/data-status="(\w+)" data-days="(\d+)"/g)].map((m) => ({ status: m[1], days: Number(m[2]) }));
      const days = (status: string) => cells.filter((c) => c.status === status).reduce((n, c) => n + c.days, 0);
      expect(cells.reduce((n, c) => n + c.days, 0)).toBe(CHART_WINDOW_DAYS);
      expect(days('EXCEED')).toBe(o.exceed);
      expect(days('OK')).toBe(o.ok);
      // Missing: short days, plus days without a row between the outlet's first and last report.
      expect(days('MISSING')).toBeGreaterThanOrEqual(o.short);
      const row = new RegExp(
        `<tr data-outlet="${o.outlet_code}"><td>[^<]+</td><td class="num" data-status="OK">${o.ok} 天</td><td class="num" data-status="EXCEED">${o.exceed} 天</td>`,
      );
      expect(html).toMatch(row);
    }
    const en = await (await fetch(`${base}/report/${target}?lang=en`)).text();
    expect(en).toContain('Online monitoring, day by day per outlet (last 90 days)');
    expect(en).toContain('Within limits');
  });

  it('has an icon: linked as SVG, and /favicon.ico a 32×32 PNG icon', async () => {
    const html = await (await fetch(`${base}/report/${high.creditCode}`)).text();
    expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    const svg = await fetch(`${base}/favicon.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(await svg.text()).toMatch(/^<svg [^>]*viewBox="0 0 32 32"/);
    const ico = Buffer.from(await (await fetch(`${base}/favicon.ico`)).arrayBuffer());
    expect([...ico.subarray(0, 6)]).toEqual([0, 0, 1, 0, 1, 0]);
    const png = PNG.sync.read(ico.subarray(ico.readUInt32LE(18)));
    expect([png.width, png.height]).toEqual([32, 32]);
    // The centre of the icon's background is the LOW green; a bar is white.
    const at = (x: number, y: number) => '#' + [0, 1, 2].map((c) => png.data[(y * 32 + x) * 4 + c].toString(16).padStart(2, '0')).join('');
    expect(at(3, 16)).toBe(RISK_COLOURS.LOW.main);
    expect(at(23, 20)).toBe('#ffffff');
  });

  it('lets caches keep the page and the QR codes: public max-age, ETag and 304; compressed when accepted; a 404 is not kept', async () => {
    const port = hub.server!.port;
    for (const path of [`/report/${high.creditCode}`, `/report/${high.creditCode}?lang=en`, `/qr/${high.creditCode}.svg`, `/qr/${high.creditCode}.png`]) {
      const first = await get(port, path);
      expect([path, first.status, first.headers['cache-control']]).toEqual([path, 200, 'public, max-age=300']);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await get(port, path);
      expect(again.headers.etag).toBe(etag);
      const cached = await get(port, path, { 'if-none-match': etag });
      expect([path, cached.status, cached.body.length]).toEqual([path, 304, 0]);
      expect(cached.headers['cache-control']).toBe('public, max-age=300');
      expect((await get(port, path, { 'if-none-match': '"other"' })).status).toBe(200);
    }
    const zh = await get(port, `/report/${high.creditCode}`);
    const en = await get(port, `/report/${high.creditCode}?lang=en`);
    expect(zh.headers.etag).not.toBe(en.headers.etag);
    const br = await get(port, `/report/${high.creditCode}`, { 'accept-encoding': 'br, gzip' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(br.body).equals(zh.body)).toBe(true);
    const png = await get(port, `/qr/${high.creditCode}.png`, { 'accept-encoding': 'br, gzip' });
    expect(png.headers['content-encoding']).toBeUndefined();
    const missing = await get(port, '/report/91370000000000000X');
    expect([missing.status, missing.headers['cache-control'], missing.headers.etag]).toEqual([404, 'no-store', undefined]);
  });

  it('switches to English with ?lang=en', async () => {
    const html = await (await fetch(`${base}/report/${high.creditCode}?lang=en`)).text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('High risk');
    expect(html).toContain('href="?lang=zh"');
  });

  it('draws the QR code of the public URL in the risk colour, as PNG and SVG', async () => {
    for (const e of [
      { code: high.creditCode, risk: 'HIGH' as const },
      { code: low.creditCode, risk: 'LOW' as const },
    ]) {
      const png = await fetch(`${base}/qr/${e.code}.png`);
      expect(png.status).toBe(200);
      expect(png.headers.get('content-type')).toBe('image/png');
      const decoded = decodeQrPng(Buffer.from(await png.arrayBuffer()));
      expect(decoded.text).toBe(`http://hub.test/report/${e.code}`);
      expect(hex(decoded.dark)).toBe(RISK_COLOURS[e.risk].main);
      const svg = await fetch(`${base}/qr/${e.code}.svg`);
      expect(svg.headers.get('content-type')).toBe('image/svg+xml');
      expect(await svg.text()).toContain(`stroke="${RISK_COLOURS[e.risk].main}"`);
    }
  });

  it('answers an unknown or malformed code with a 404 page', async () => {
    const unknown = await fetch(`${base}/report/91370000000000000X`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('未找到该企业');
    const malformed = await fetch(`${base}/report/%3Cscript%3E?lang=en`);
    expect(malformed.status).toBe(404);
    const body = await malformed.text();
    expect(body).toContain('Enterprise not found');
    expect(body).not.toContain('<SCRIPT>');
    expect((await fetch(`${base}/qr/91370000000000000X.png`)).status).toBe(404);
  });
});
