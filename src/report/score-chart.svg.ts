import { RiskLevelValue } from '../domain/risk-band';
import { RISK_COLOURS } from './report-i18n';
import { escapeXml } from './html-escape';

/** One point of the chart: when the score changed and to what. */
export interface ChartPoint {
  at: Date;
  score: number;
  riskLevel: RiskLevelValue;
  /** The score held when the window opened (a line, not a change: no dot). */
  held?: boolean;
}

/** Inputs of {@link renderScoreChart}. */
export interface ScoreChartInput {
  points: ChartPoint[];
  /** The chart's window opens at this instant (the left edge)… */
  from: Date;
  /** …and runs to this one, the right edge (now: the score holds after the last change). */
  now: Date;
  fullMarks: number;
  thresholds: { low: number; medium: number };
  /** Accessible title of the chart. */
  title: string;
  /** Formats an instant as an axis label (a date). */
  formatDate: (d: Date) => string;
}

/** Width of the charts' drawing (viewBox units); the monitoring chart shares it and the left and right padding, so their days line up. */
export const CHART_WIDTH = 420;
/** Left and right padding of the charts' plot area. */
export const CHART_PAD_X = { left: 38, right: 10 };
const W = CHART_WIDTH;
const H = 220;
const PAD = { ...CHART_PAD_X, top: 12, bottom: 28 };

/** Rounds a coordinate to one decimal, keeping the SVG short. */
export function r(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

/**
 * Renders the score history as an inline SVG step chart (server-side, no
 * script) over the window `from` … `now`: the score holds between changes, so
 * the line steps at each change and runs on to the right edge, today. Bands
 * behind it show the risk levels (green ≥ low threshold, amber ≥ medium, red
 * below); each change is a dot in the colour of its risk level. The time axis
 * is labelled with the window's first day and today. Scales with the page
 * width (viewBox).
 */
export function renderScoreChart(input: ScoreChartInput): string {
  const t0 = input.from.getTime();
  const t1 = Math.max(input.now.getTime(), t0 + 1);
  const pts = [...input.points].filter((p) => p.at.getTime() <= t1).sort((a, b) => a.at.getTime() - b.at.getTime());
  if (!pts.length) return '';
  const width = t1 - t0;
  const tx = (p: ChartPoint) => Math.max(t0, p.at.getTime());
  const scores = pts.map((p) => p.score);
  const top = Math.max(input.fullMarks, ...scores);
  const lowest = Math.min(0, ...scores, input.thresholds.medium - 20);
  const bottom = Math.floor(lowest / 20) * 20;
  const x = (t: number) => PAD.left + ((t - t0) / width) * (W - PAD.left - PAD.right);
  const y = (s: number) => PAD.top + ((top - s) / (top - bottom)) * (H - PAD.top - PAD.bottom);
  const band = (from: number, to: number, level: RiskLevelValue) =>
    `<rect x="${PAD.left}" y="${r(y(from))}" width="${W - PAD.left - PAD.right}" height="${r(Math.max(0, y(to) - y(from)))}" fill="${RISK_COLOURS[level].tint}"/>`;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeXml(input.title)}" class="score-chart">`,
  );
  parts.push(`<title>${escapeXml(input.title)}</title>`);
  parts.push(
    band(top, input.thresholds.low, 'LOW'),
    band(input.thresholds.low, input.thresholds.medium, 'MEDIUM'),
    band(input.thresholds.medium, bottom, 'HIGH'),
  );
  // Horizontal guides with labels: full marks, the thresholds, zero and the bottom.
  const ticks = [...new Set([top, input.thresholds.low, input.thresholds.medium, 0, bottom])].filter((v) => v >= bottom && v <= top);
  for (const v of ticks) {
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${r(y(v))}" y2="${r(y(v))}" stroke="#9aa0a6" stroke-width="${v === 0 ? 1 : 0.5}" stroke-dasharray="${v === 0 ? '' : '3 3'}"/>`,
    );
    parts.push(`<text x="${PAD.left - 6}" y="${r(y(v) + 4)}" text-anchor="end" font-size="13" fill="#5f6368">${v}</text>`);
  }
  // The step line.
  let d = `M${r(x(tx(pts[0])))},${r(y(pts[0].score))}`;
  for (let i = 1; i < pts.length; i++) d += ` H${r(x(tx(pts[i])))} V${r(y(pts[i].score))}`;
  d += ` H${r(x(t1))}`;
  parts.push(`<path d="${d}" fill="none" stroke="#202124" stroke-width="2" stroke-linejoin="round"/>`);
  for (const p of pts.filter((q) => !q.held)) {
    parts.push(
      `<circle cx="${r(x(tx(p)))}" cy="${r(y(p.score))}" r="4" fill="${RISK_COLOURS[p.riskLevel].main}" stroke="#fff" stroke-width="1.5"><title>${escapeXml(`${input.formatDate(p.at)}: ${p.score}`)}</title></circle>`,
    );
  }
  // Time axis: the window's first day and today.
  parts.push(`<text x="${PAD.left}" y="${H - 8}" font-size="13" fill="#5f6368">${escapeXml(input.formatDate(new Date(t0)))}</text>`);
  parts.push(
    `<text x="${W - PAD.right}" y="${H - 8}" text-anchor="end" font-size="13" fill="#5f6368" class="chart-end">${escapeXml(input.formatDate(new Date(t1)))}</text>`,
  );
  parts.push('</svg>');
  return parts.join('');
}
