import fs from 'node:fs';
import path from 'node:path';
import { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { RISK_COLOURS } from '../src/report/report-i18n';
import { GRAPHIQL_KEY_STORAGE } from '../src/server/graphiql.page';
import { decodeQrPng } from './support/qr-decode';
import { TestHub, startTestHub } from './support/test-hub';

/** axe-core's browser build, injected into the page under audit. */
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** One axe-core violation as the test reports it: rule, impact, and where. */
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}
const ARTIFACTS = path.join(__dirname, '..', 'test-artifacts');

function rgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

/**
 * The report page and GraphiQL in a real browser: Debian's headless Chromium
 * driven by playwright-core, against a hub serving a small generated province.
 */
describe('in headless Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 150, seed: 5 } });
    base = `http://127.0.0.1:${hub.server!.port}`;
    // The public URL is this server, so the QR code must decode to the very page the browser shows.
    hub.services.config.publicUrl = base;
    const runs = await hub.services.runner.syncAll(['permit', 'enforcement', 'penalty', 'monitoring'], 'test');
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('opens a report on a phone-sized screen: score, risk colour, and a QR code that decodes to the page URL', async () => {
    const target = (
      await hub.tdb.db.pool.query(`select credit_code, score, risk_level from enterprise where risk_level = 'HIGH' order by score, credit_code limit 1`)
    ).rows[0];
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' });
    const page = await context.newPage();
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    const url = `${base}/report/${target.credit_code}`;
    const res = await page.goto(url, { waitUntil: 'load' });
    expect(res!.status()).toBe(200);

    expect(await page.textContent('#score')).toBe(String(target.score));
    expect(await page.getAttribute('#score-badge', 'data-risk')).toBe('HIGH');
    const colour = await page.$eval('#score-badge', (el) => getComputedStyle(el).backgroundColor);
    expect(colour).toBe(rgb(RISK_COLOURS.HIGH.main));
    expect(await page.textContent('#risk-level')).toBe('高风险');
    expect(await page.locator('tr.deduction').count()).toBeGreaterThan(0);
    expect(await page.locator('svg.score-chart').count()).toBe(1);
    // Readable on a phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // The QR code as the browser draws it (the SVG in the page), screenshotted and decoded.
    const qrShot = await page.locator('#qr').screenshot();
    expect(decodeQrPng(qrShot).text).toBe(page.url());
    // The PNG the page offers for download decodes to the same URL.
    const pngHref = await page.getAttribute('a[download]', 'href');
    const png = await page.request.get(new URL(pngHref!, page.url()).toString());
    expect(decodeQrPng(await png.body()).text).toBe(url);

    await page.screenshot({ path: path.join(ARTIFACTS, 'report-page-zh.png'), fullPage: true });
    await page.click('#lang-switch');
    await page.waitForURL(/lang=en/);
    expect(await page.textContent('#risk-level')).toBe('High risk');
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-page-en.png'), fullPage: true });
    expect(outside).toEqual([]);
    await context.close();
  });

  it('passes axe-core on the report page in Chinese and English: no serious or critical violation, for every risk level', async () => {
    const targets = (
      await hub.tdb.db.pool.query(
        `select distinct on (risk_level) credit_code, risk_level from enterprise e
          order by risk_level, exists (select 1 from monitoring_day m where m.credit_code = e.credit_code) desc, score, credit_code`,
      )
    ).rows as { credit_code: string; risk_level: string }[];
    expect(targets.map((t) => t.risk_level).sort()).toEqual(['HIGH', 'LOW', 'MEDIUM']);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const summary: Record<string, { violations: string[]; serious: string[]; passes: number }> = {};
    for (const t of targets) {
      for (const lang of ['zh', 'en']) {
        const res = await page.goto(`${base}/report/${t.credit_code}?lang=${lang}`, { waitUntil: 'load' });
        expect(res!.status()).toBe(200);
        expect(await page.getAttribute('html', 'lang')).toBe(lang === 'zh' ? 'zh-CN' : 'en');
        expect(await page.locator('svg.score-chart').count()).toBe(1);
        if (await page.locator('svg.monitoring-chart').count()) {
          await page.locator('#monitoring').screenshot({ path: path.join(ARTIFACTS, `report-monitoring-${t.risk_level.toLowerCase()}-${lang}.png`) });
        }
        // The page forbids scripts (CSP); the audit runs through the driver, outside the page's policy.
        await page.addScriptTag({ content: AXE_SOURCE }).catch(async () => page.evaluate(AXE_SOURCE));
        const result = (await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: unknown[]; passes: unknown[] }> } }).axe;
          const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
          return { violations: r.violations, passes: (r.passes as { id: string }[]).map((p) => p.id) };
        })) as { violations: AxeViolation[]; passes: string[] };
        const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        summary[`${t.risk_level} ${lang}`] = {
          violations: result.violations.map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
          serious: serious.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
          passes: result.passes.length,
        };
        // Colour contrast (the badge's text on its colour among the rest) is among the rules that ran and passed.
        expect(result.passes).toEqual(expect.arrayContaining(['color-contrast', 'html-has-lang', 'image-alt', 'document-title']));
      }
    }
    // The audit has teeth: the MEDIUM badge's former colour (white on #c98a00, 2.94:1) is a serious contrast violation.
    await page.evaluate(() => {
      const badge = document.getElementById('score-badge')!;
      badge.style.background = '#c98a00';
      badge.style.color = '#ffffff';
    });
    const former = (await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: Element, opts: object): Promise<{ violations: unknown[] }> } }).axe;
      return (await axe.run(document.getElementById('score-badge')!, { runOnly: { type: 'rule', values: ['color-contrast'] } })).violations;
    })) as AxeViolation[];
    expect(former.map((v) => [v.id, v.impact])).toEqual([['color-contrast', 'serious']]);
    await context.close();
    fs.writeFileSync(path.join(ARTIFACTS, 'report-axe.json'), JSON.stringify(summary, null, 2));
    expect(Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, v.serious]))).toEqual({
      'HIGH zh': [],
      'HIGH en': [],
      'MEDIUM zh': [],
      'MEDIUM en': [],
      'LOW zh': [],
      'LOW en': [],
    });
  });

  it('shows a green report for a low-risk enterprise', async () => {
    const target = (await hub.tdb.db.pool.query(`select credit_code, score from enterprise where risk_level = 'LOW' order by score desc, credit_code limit 1`))
      .rows[0];
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${base}/report/${target.credit_code}`);
    expect(await page.textContent('#score')).toBe(String(target.score));
    expect(await page.$eval('#score-badge', (el) => getComputedStyle(el).backgroundColor)).toBe(rgb(RISK_COLOURS.LOW.main));
    expect(decodeQrPng(await page.locator('#qr').screenshot()).text).toBe(page.url());
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-page-low.png'), fullPage: true });
    await page.close();
  });

  it('serves GraphiQL offline with no live data; one key, set once, serves every tab across reloads; the docs explorer lists Enterprise', async () => {
    // The page as served: no key, no enterprise (only static examples).
    const html = await (await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('id="graphiql-config"');
    const some = (await hub.tdb.db.pool.query(`select credit_code, name from enterprise order by credit_code limit 50`)).rows;
    for (const e of some) expect(html.includes(e.credit_code) || html.includes(e.name)).toBe(false);
    expect(html).not.toContain(hub.adminKey);
    expect(html).toContain(GRAPHIQL_KEY_STORAGE);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const outside: string[] = [];
    const errors: string[] = [];
    const failed: string[] = [];
    const watch = (p: typeof page) => {
      p.on('request', (r) => {
        if (!r.url().startsWith(base) && !r.url().startsWith('data:')) outside.push(r.url());
      });
      p.on('pageerror', (e) => errors.push(e.message));
      p.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${new URL(r.url()).pathname}`));
    };
    watch(page);
    const mounted = async (p: typeof page) =>
      p.waitForSelector('.graphiql-container', { timeout: 20_000 }).catch((e) => {
        throw new Error(`GraphiQL did not mount: ${e.message}\npage errors: ${errors.join('\n')}`);
      });
    const run = async (p: typeof page) => {
      await p.click('.graphiql-execute-button');
      await p
        .waitForFunction(() => /"totalCount"|"errors"/.test(document.querySelector('.result-window')?.textContent ?? ''), undefined, { timeout: 20_000 })
        .catch(async (e) => {
          await p.screenshot({ path: path.join(ARTIFACTS, 'graphiql-failure.png') });
          throw new Error(`no result: ${e.message}\npage errors: ${errors.join('\n')}`);
        });
      return (await p.textContent('.result-window')) ?? '';
    };
    await page.goto(`${base}/graphql`);
    await mounted(page);
    expect(await page.textContent('#hub-key-state')).toContain('no key');
    // Without a key the example is refused.
    expect(await run(page)).toContain('UNAUTHENTICATED');

    // The key, set once.
    await page.fill('#hub-api-key', hub.adminKey);
    await page.click('#hub-key-save');
    await page.waitForFunction(() => /saved/.test(document.getElementById('hub-key-state')?.textContent ?? ''));
    expect(await page.evaluate((k) => window.localStorage.getItem(k), GRAPHIQL_KEY_STORAGE)).toBe(hub.adminKey);
    // Another GraphiQL tab sends it as well (the tabs have no headers of their own).
    await page.locator('.graphiql-tab', { hasText: 'SearchByName' }).click();
    await page.waitForFunction(() => /query SearchByName/.test(document.querySelector('.graphiql-query-editor')?.textContent ?? ''));
    const second = await run(page);
    expect(second).toContain('"totalCount"');
    expect(second).not.toContain('UNAUTHENTICATED');

    // After a reload the key is still there and used; a new browser tab of the hub has it too.
    await page.reload();
    await mounted(page);
    expect(await page.inputValue('#hub-api-key')).toBe(hub.adminKey);
    expect(await page.textContent('#hub-key-state')).toContain('saved');
    const other = await context.newPage();
    watch(other);
    await other.goto(`${base}/graphql`);
    await mounted(other);
    expect(await other.inputValue('#hub-api-key')).toBe(hub.adminKey);
    const result = await run(other);
    expect(result).toContain('"enterprises"');
    expect(result).not.toContain('UNAUTHENTICATED');
    await other.close();

    // The docs explorer, from the schema fetched with the stored key, lists Enterprise.
    await page.click('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]');
    await page
      .waitForFunction(() => /Enterprise/.test(document.querySelector('.graphiql-doc-explorer')?.textContent ?? ''), undefined, { timeout: 20_000 })
      .catch(async (e) => {
        await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql-docs-failure.png') });
        throw new Error(`docs explorer: ${e.message}\n${await page.textContent('.graphiql-doc-explorer').catch(() => '?')}`);
      });
    const docs = (await page.textContent('.graphiql-doc-explorer')) ?? '';
    expect(docs).toContain('Query');
    const types = await page.locator('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name').allTextContents();
    expect(types).toContain('Enterprise');
    await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql.png') });

    // Forget removes it for good.
    await page.click('#hub-key-forget');
    expect(await page.evaluate((k) => window.localStorage.getItem(k), GRAPHIQL_KEY_STORAGE)).toBeNull();
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    // Only the requests made before the key was set were refused.
    expect(failed.filter((f) => f !== '401 /graphql')).toEqual([]);
    await context.close();
  });
});
