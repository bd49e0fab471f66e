import { createHubClient, EnterpriseHealthDocument, RiskiestEnterprisesDocument } from '../client/src';
import { RISK_COLOURS } from '../src/report/report-i18n';
import { decodeQrPng } from './support/qr-decode';
import { TestHub, startTestHub } from './support/test-hub';

function hex(rgb: [number, number, number]): string {
  return '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('');
}

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
    // Every deduction of the GraphQL health report is a row with its rule and date.
    const client = createHubClient({ url: `${base}/graphql`, apiKey: hub.adminKey });
    const { enterprise } = await client.request(EnterpriseHealthDocument, { creditCode: high.creditCode });
    const deductions = enterprise!.healthReport.deductions;
    expect(deductions.length).toBeGreaterThan(0);
    const rows = [...html.matchAll(/<tr class="deduction" data-rule="([A-Z_]+)"><td class="date">(\d{4}-\d{2}-\d{2})<\/td>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(rows.sort()).toEqual(deductions.map((d) => `${d.rule} ${d.date}`).sort());
    expect(html).toMatch(/<svg [^>]*class="score-chart"/);
    expect(enterprise!.reportUrl).toBe(`http://hub.test/report/${high.creditCode}`);
    expect(html).toContain(`<link rel="canonical" href="http://hub.test/report/${high.creditCode}">`);
    // Nothing of the raw records: no record ids, no payload fields.
    for (const d of deductions.slice(0, 20)) expect(html).not.toContain(d.recordId);
    expect(html).not.toMatch(/payload|source_record/);
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
