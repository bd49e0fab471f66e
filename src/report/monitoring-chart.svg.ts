import { escapeXml } from './html-escape';
import { MonitoringDayStatus, MonitoringOutlet } from './report-data.service';
import { RISK_COLOURS } from './report-i18n';
import { CHART_PAD_X, CHART_WIDTH, r } from './score-chart.svg';

/** Fill of each day status: green within limits, red exceeded, amber missing, light grey nothing expected. */
export const MONITORING_COLOURS: Record<MonitoringDayStatus, string> = {
  OK: RISK_COLOURS.LOW.main,
  EXCEED: RISK_COLOURS.HIGH.main,
  MISSING: RISK_COLOURS.MEDIUM.main,
  NONE: '#e8eaed',
};

/** Inputs of {@link renderMonitoringChart}. */
export interface MonitoringChartInput {
  outlets: MonitoringOutlet[];
  /** The window's first and last day (China dates); each outlet has one status per day. */
  from: string;
  to: string;
  /** Accessible title of the chart. */
  title: string;
  /** The outlet's label (its code, with the word for outlet). */
  outletLabel: (code: string) => string;
  /** A day's tooltip (date and status in the page's language). */
  dayLabel: (date: string, status: MonitoringDayStatus) => string;
  /** Days of the window, oldest first (as many as each outlet's statuses). */
  days: string[];
}

const ROW = 34;
const STRIP = 14;
const LABEL = 14;
const AXIS = 22;

/**
 * Renders the daily online monitoring of an enterprise's outlets as an inline
 * SVG (server-side, no script): one strip per outlet across the chart window,
 * a cell per day in the colour of its status ({@link MONITORING_COLOURS}),
 * consecutive days of one status drawn as one rectangle. It has the score
 * chart's width and horizontal padding, so a day sits at the same place in
 * both. The time axis is labelled with the window's first day and today.
 */
export function renderMonitoringChart(input: MonitoringChartInput): string {
  const n = input.days.length;
  if (!input.outlets.length || !n) return '';
  const left = CHART_PAD_X.left;
  const plot = CHART_WIDTH - CHART_PAD_X.left - CHART_PAD_X.right;
  const cell = plot / n;
  const height = input.outlets.length * ROW + AXIS;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${height}" width="100%" role="img" aria-label="${escapeXml(input.title)}" class="monitoring-chart">`,
    `<title>${escapeXml(input.title)}</title>`,
  ];
  input.outlets.forEach((o, row) => {
    const top = row * ROW;
    parts.push(`<text x="${left}" y="${top + LABEL - 2}" font-size="13" fill="#3c4043">${escapeXml(input.outletLabel(o.outletCode))}</text>`);
    parts.push(`<g data-outlet="${escapeXml(o.outletCode)}">`);
    for (let i = 0; i < n;) {
      let j = i + 1;
      while (j < n && o.days[j] === o.days[i]) j++;
      const status = o.days[i];
      const tip = j - i === 1 ? input.dayLabel(input.days[i], status) : `${input.dayLabel(input.days[i], status)} – ${input.days[j - 1]}`;
      parts.push(
        `<rect x="${r(left + i * cell)}" y="${top + LABEL + 2}" width="${r((j - i) * cell)}" height="${STRIP}" fill="${MONITORING_COLOURS[status]}" data-status="${status}" data-days="${j - i}"><title>${escapeXml(tip)}</title></rect>`,
      );
      i = j;
    }
    parts.push('</g>');
  });
  const axisY = height - 6;
  parts.push(`<text x="${left}" y="${axisY}" font-size="13" fill="#5f6368">${escapeXml(input.from)}</text>`);
  parts.push(
    `<text x="${CHART_WIDTH - CHART_PAD_X.right}" y="${axisY}" text-anchor="end" font-size="13" fill="#5f6368" class="chart-end">${escapeXml(input.to)}</text>`,
  );
  parts.push('</svg>');
  return parts.join('');
}
