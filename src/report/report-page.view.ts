import { chinaDateOf } from '../domain/china-date';
import { escapeHtml as h } from './html-escape';
import { CHART_WINDOW_DAYS, MonitoringDayStatus, PublicDeduction, PublicDeductionGroup, PublicReport } from './report-data.service';
import { RISK_COLOURS, ReportLang, ReportTexts, TEXTS, ruleLabel } from './report-i18n';
import { MONITORING_COLOURS, renderMonitoringChart } from './monitoring-chart.svg';
import { renderScoreChart } from './score-chart.svg';
import { addDays, endOfChinaDay } from '../domain/china-date';
import { FAVICON_PATH } from './favicon';

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Microsoft YaHei","Segoe UI",sans-serif;background:#f1f3f4;color:#202124;line-height:1.5;-webkit-text-size-adjust:100%}
main{max-width:760px;margin:0 auto;padding:12px}
header.top{display:flex;justify-content:space-between;align-items:flex-start;gap:8px}
header.top p{margin:0;color:#5f6368;font-size:13px}
a{color:#1967d2}
a.lang{font-size:14px;color:#1967d2;text-decoration:none;border:1px solid #dadce0;border-radius:16px;padding:2px 12px;background:#fff;white-space:nowrap}
section{background:#fff;border-radius:12px;padding:16px;margin-top:12px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h1{font-size:20px;margin:4px 0 8px}
h2{font-size:16px;margin:0 0 10px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0;font-size:14px}
dt{color:#5f6368}dd{margin:0;word-break:break-all}
.scorecard{display:flex;align-items:center;gap:16px;flex-wrap:wrap}
.badge{width:120px;height:120px;border-radius:50%;display:flex;flex-direction:column;align-items:center;justify-content:center;flex:none}
.badge .value{font-size:40px;font-weight:700;line-height:1}
.badge .level{font-size:15px;margin-top:6px}
.scoremeta{font-size:14px;color:#3c4043}.scoremeta p{margin:2px 0}
table{width:100%;border-collapse:collapse;font-size:14px}
th,td{text-align:left;padding:6px 4px;border-bottom:1px solid #eee;vertical-align:top}
th{color:#5f6368;font-weight:500}
td.num,th.num{text-align:right;white-space:nowrap}
td.date{white-space:nowrap}
details{margin-top:10px}summary{cursor:pointer;color:#1967d2;font-size:14px}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px;color:#3c4043;margin:6px 0;padding:0;list-style:none}
.legend .swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
#monitoring-summary{margin-top:8px}
.tags{display:flex;flex-wrap:wrap;gap:6px}
.tag{font-size:13px;border-radius:12px;padding:2px 10px;background:#e8f0fe;color:#174ea6}
.qr{display:flex;gap:16px;align-items:center;flex-wrap:wrap}
.qr img{width:168px;height:168px;border:1px solid #eee;border-radius:8px}
.qr p{font-size:14px;margin:4px 0}
.muted{color:#5f6368;font-size:14px}
footer{color:#5f6368;font-size:12px;margin:16px 4px 24px}
@media (max-width:480px){h1{font-size:18px}.badge{width:100px;height:100px}.badge .value{font-size:34px}th.sys,td.sys{display:none}}
`;

/** HTTP headers of the report pages: no scripts at all, images only from the hub itself. */
export const REPORT_PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function page(lang: ReportLang, title: string, body: string, canonical?: string): string {
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">
${canonical ? `<link rel="canonical" href="${h(canonical)}">` : ''}
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function langSwitch(lang: ReportLang): string {
  const other = lang === 'zh' ? 'en' : 'zh';
  return `<a class="lang" href="?lang=${other}" hreflang="${other === 'zh' ? 'zh-CN' : 'en'}" id="lang-switch">${h(TEXTS[lang].switchLang)}</a>`;
}

/** Formats an instant as a China calendar date. */
function day(d: Date): string {
  return chinaDateOf(d);
}

/** The window's days, oldest first. */
function windowDays(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

/** The monitoring section's body: the strips, a legend, and the day counts per outlet as a table (what the chart shows, as text). */
function monitoringSection(report: PublicReport, t: ReportTexts): string {
  const { outlets, minValidHours } = report.monitoring;
  if (!outlets.length) return `<p class="muted">${h(t.monitoringNone(CHART_WINDOW_DAYS))}</p>`;
  const days = windowDays(report.window.from, report.window.to);
  const chart = renderMonitoringChart({
    outlets,
    from: report.window.from,
    to: report.window.to,
    days,
    title: t.monitoring(CHART_WINDOW_DAYS),
    outletLabel: t.outlet,
    dayLabel: (date, status) => `${date} ${t.monitoringStatus[status]}`,
  });
  const shown: MonitoringDayStatus[] = ['OK', 'EXCEED', 'MISSING', 'NONE'];
  const legend = `<ul class="legend">${shown
    .map((s) => `<li><span class="swatch" style="background:${MONITORING_COLOURS[s]}"></span>${h(t.monitoringStatus[s])}</li>`)
    .join('')}</ul><p class="muted">${h(t.monitoringLegend(minValidHours))}</p>`;
  const counted: MonitoringDayStatus[] = ['OK', 'EXCEED', 'MISSING'];
  const rows = outlets
    .map(
      (o) =>
        `<tr data-outlet="${h(o.outletCode)}"><td>${h(o.outletCode)}</td>${counted
          .map((s) => `<td class="num" data-status="${s}">${h(t.days(o.days.filter((d) => d === s).length))}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  const table = `<table id="monitoring-summary"><thead><tr><th>${h(t.colOutlet)}</th>${counted
    .map((s) => `<th class="num">${h(t.monitoringStatus[s])}</th>`)
    .join('')}</tr></thead><tbody>${rows}</tbody></table>`;
  return chart + legend + table;
}

/** What the objection column shows beside a deduction: the objection not yet settled, if any. */
function objectionCell(d: PublicDeduction, t: ReportTexts): string {
  if (!d.objection) return '';
  const text = d.objection.status === 'UPHELD' ? t.objectionUpheld : t.objectionPending(d.objection.filedOn, d.objection.currentDeadline);
  return `<span class="objection-state" data-status="${h(d.objection.status)}">${h(text)}</span>`;
}

/** A row of the deductions table for one deduction: date, rule, system, points and its objection. */
function deductionRow(d: PublicDeduction, lang: ReportLang): string {
  const t = TEXTS[lang];
  return `<tr class="deduction" data-rule="${h(d.rule)}"><td class="date">${h(d.date)}</td><td>${h(ruleLabel(d.rule, lang, d.ruleDescription))}</td><td class="sys">${h(t.systems[d.system] ?? d.system)}</td><td class="num">−${d.points}</td><td class="objection" data-key="${h(d.key)}">${objectionCell(d, t)}</td></tr>`;
}

/**
 * A row of the deductions table for a month of an outlet's monitoring deductions: the month, the rule with the outlet
 * (and pollutant), the points of all its days, and the days themselves folded (day of the month, with an objection's state).
 */
function groupRow(g: PublicDeductionGroup, lang: ReportLang): string {
  const t = TEXTS[lang];
  const where = [g.outletCode, g.pollutantCode].filter(Boolean).join(' · ');
  const days = g.days
    .map((d) =>
      d.objection
        ? `<span class="day" data-key="${h(d.key)}">${h(d.date.slice(8))} ${objectionCell(d, t)}</span>`
        : `<span class="day">${h(d.date.slice(8))}</span>`,
    )
    .join(' ');
  return `<tr class="deduction-group" data-rule="${h(g.rule)}" data-month="${h(g.month)}" data-days="${g.count}"><td class="date">${h(g.month)}</td><td>${h(ruleLabel(g.rule, lang, g.ruleDescription))}${where ? ` <span class="muted">${h(where)}</span>` : ''}</td><td class="sys">${h(t.systems[g.system] ?? g.system)}</td><td class="num">−${g.points}</td><td class="days"><details><summary>${h(t.days(g.count))}</summary>${days}</details></td></tr>`;
}

/**
 * The objection form (a plain HTML form POST, no script): the deduction, the one-time code, the reason. One choice per
 * row of the deductions table: a month of an outlet's monitoring deductions is one choice (it contests each of its days
 * not yet contested), so a chronic exceeder's list stays as short as its table.
 */
function objectionForm(report: PublicReport, lang: ReportLang): string {
  const t = TEXTS[lang];
  const choices = report.deductionGroups.flatMap((g) => {
    const open = g.days.filter((d) => !d.objection);
    if (open.length <= 1) return open.map((d) => ({ key: d.key, text: `${d.date} ${ruleLabel(d.rule, lang, d.ruleDescription)} −${d.points}` }));
    const where = [g.outletCode, g.pollutantCode].filter(Boolean).join(' · ');
    const points = open.reduce((n, d) => n + d.points, 0);
    return [{ key: g.key, text: `${g.month} ${ruleLabel(g.rule, lang, g.ruleDescription)}${where ? ` ${where}` : ''}, ${t.days(open.length)} −${points}` }];
  });
  if (!choices.length) return '';
  const options = choices.map((c) => `<option value="${h(c.key)}">${h(c.text)}</option>`).join('');
  const action = `/report/${encodeURIComponent(report.creditCode)}/objection${lang === 'en' ? '?lang=en' : ''}`;
  return `<details id="objection"><summary>${h(t.objectionTitle)}</summary><p class="muted">${h(t.objectionHint)}</p>
<form method="post" action="${h(action)}" class="objection-form">
<label>${h(t.objectionDeduction)}<br><select name="deduction" required>${options}</select></label><br>
<label>${h(t.objectionCode)}<br><input name="code" required autocomplete="off" maxlength="32"></label><br>
<label>${h(t.objectionReason)}<br><textarea name="reason" required maxlength="2000" rows="4" cols="40"></textarea></label><br>
<button type="submit">${h(t.objectionSubmit)}</button>
</form></details>`;
}

/** The page answering an objection form: received with its number and deadline, or refused with what to fix (no script). */
export function renderObjectionAnswerPage(
  creditCode: string,
  lang: ReportLang,
  outcome: { id: string; deadline: string; count: number } | { error: string },
): string {
  const t = TEXTS[lang];
  const back = `/report/${encodeURIComponent(creditCode)}${lang === 'en' ? '?lang=en' : ''}`;
  const title = 'id' in outcome ? t.objectionTitle : t.objectionRefused;
  const text = 'id' in outcome ? t.objectionFiled(outcome.id, outcome.deadline, outcome.count) : outcome.error;
  return page(
    lang,
    title,
    `
<header class="top"><div><p>${h(t.subtitle)}</p><h1>${h(title)}</h1></div></header>
<section><p id="objection-outcome" data-outcome="${'id' in outcome ? 'filed' : 'refused'}">${h(text)}</p><p><a href="${h(back)}">${h(t.backToReport)}</a></p></section>`,
  );
}

/**
 * Renders the public report page of an enterprise (server-side HTML, no
 * script): identity, score with its risk colour, rank, deductions (summary by
 * rule and every deduction with rule and date), the score over the chart
 * window (the last {@link CHART_WINDOW_DAYS} days, ending today) as an inline
 * SVG chart, the daily online monitoring of its outlets over the same window,
 * tags, and the page's QR code.
 */
export function renderReportPage(report: PublicReport, lang: ReportLang): string {
  const t = TEXTS[lang];
  const colour = RISK_COLOURS[report.riskLevel];
  const code = encodeURIComponent(report.creditCode);
  const totalPoints = report.deductions.reduce((s, d) => s + d.points, 0);
  const byRule = new Map<string, { count: number; points: number; description?: string }>();
  for (const d of report.deductions) {
    const e = byRule.get(d.rule) ?? { count: 0, points: 0, description: d.ruleDescription };
    e.count += 1;
    e.points += d.points;
    byRule.set(d.rule, e);
  }
  const summaryRows = [...byRule.entries()]
    .sort((a, b) => b[1].points - a[1].points || a[0].localeCompare(b[0]))
    .map(
      ([rule, e]) =>
        `<tr data-rule="${h(rule)}"><td>${h(ruleLabel(rule, lang, e.description))}</td><td class="num">${h(t.times(e.count))}</td><td class="num">−${e.points}</td></tr>`,
    )
    .join('');
  const groups = report.deductionGroups;
  const detailRows = groups.map((g) => (g.count === 1 ? deductionRow(g.days[0], lang) : groupRow(g, lang))).join('');
  const deductions = report.deductions.length
    ? `<p>${h(t.deductionsSummary(report.deductions.length, totalPoints))}</p>
<table id="deduction-summary"><thead><tr><th>${h(t.byRule)}</th><th class="num">${h(t.colCount)}</th><th class="num">${h(t.colPoints)}</th></tr></thead><tbody>${summaryRows}</tbody></table>
<details${groups.length <= 30 ? ' open' : ''}><summary>${h(t.deductions)} (${report.deductions.length})</summary>
<table id="deductions"><thead><tr><th>${h(t.colDate)}</th><th>${h(t.colRule)}</th><th class="sys">${h(t.colSystem)}</th><th class="num">${h(t.colPoints)}</th><th>${h(t.colObjection)}</th></tr></thead><tbody>${detailRows}</tbody></table>
</details>
${objectionForm(report, lang)}`
    : `<p class="muted">${h(t.deductionsNone)}</p>`;
  const chart = report.history.length
    ? renderScoreChart({
        points: report.history,
        from: endOfChinaDay(addDays(report.window.from, -1)),
        now: report.window.now,
        fullMarks: report.fullMarks,
        thresholds: report.riskThresholds,
        title: t.history(CHART_WINDOW_DAYS),
        formatDate: day,
      })
    : `<p class="muted">${h(t.historyNone)}</p>`;
  const tags = report.tags.length
    ? `<div class="tags">${report.tags.map((g) => `<span class="tag" data-tag="${h(g.code)}">${h(lang === 'zh' ? g.label : g.labelEn)}</span>`).join('')}</div>`
    : `<p class="muted">${h(t.tagsNone)}</p>`;
  const body = `
<header class="top"><div><p>${h(t.subtitle)}</p><h1 id="enterprise-name">${h(report.name)}</h1></div>${langSwitch(lang)}</header>
<section>
<dl>
<dt>${h(t.creditCode)}</dt><dd id="credit-code">${h(report.creditCode)}</dd>
<dt>${h(t.division)}</dt><dd>${h(report.divisionPath.join(' › '))}</dd>
${report.industryCode ? `<dt>${h(t.industry)}</dt><dd>${h(report.industryCode)}</dd>` : ''}
</dl>
</section>
<section class="scorecard" aria-label="${h(t.score)}">
<div class="badge" id="score-badge" data-risk="${report.riskLevel}" style="background:${colour.main};color:${colour.text}">
<span class="value" id="score">${report.score}</span><span class="level" id="risk-level">${h(t.risk[report.riskLevel])}</span>
</div>
<div class="scoremeta">
<p><strong>${h(t.score)}</strong></p>
<p>${h(t.fullMarks(report.fullMarks))}</p>
${report.rank != null ? `<p id="rank">${h(t.rank(report.rank, report.enterprisesInProvince))}</p>` : ''}
<p>${h(t.asOf(report.asOf, report.ruleSetVersion))}</p>
</div>
</section>
<section id="deduction-section"><h2>${h(t.deductions)}</h2>${deductions}</section>
<section id="history"><h2>${h(t.history(CHART_WINDOW_DAYS))}</h2>${chart}</section>
<section id="monitoring"><h2>${h(t.monitoring(CHART_WINDOW_DAYS))}</h2>${monitoringSection(report, t)}</section>
<section id="tags"><h2>${h(t.tags)}</h2>${tags}</section>
<section><h2>${h(t.qr)}</h2>
<div class="qr"><img id="qr" src="/qr/${code}.svg" alt="${h(t.qr)}" width="168" height="168">
<div><p>${h(t.qrHint)}</p><p class="muted" id="report-url">${h(report.url)}</p><p><a href="/qr/${code}.png" download="${code}.png">${h(t.downloadPng)}</a></p></div></div>
</section>
<footer>${h(t.footer)}</footer>`;
  return page(lang, `${report.name} · ${t.title}`, body, report.url);
}

/** The page answering an unknown or malformed credit code (sent with status 404). */
export function renderNotFoundPage(creditCode: string, lang: ReportLang): string {
  const t = TEXTS[lang];
  return page(
    lang,
    t.notFoundTitle,
    `
<header class="top"><div><p>${h(t.subtitle)}</p><h1>${h(t.notFoundTitle)}</h1></div>${langSwitch(lang)}</header>
<section><p id="not-found">${h(t.notFoundBody(creditCode))}</p></section>`,
  );
}
