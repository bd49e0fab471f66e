import { RiskLevelValue } from '../domain/risk-band';

/** Languages of the public report page: Chinese by default, English on `?lang=en`. */
export type ReportLang = 'zh' | 'en';

/** The language asked for by a request's `lang` query parameter (anything but `en` is Chinese). */
export function reportLang(param: string | null): ReportLang {
  return param?.toLowerCase().startsWith('en') ? 'en' : 'zh';
}

/**
 * Colours of the risk levels (LOW green, MEDIUM amber, HIGH red), used by the
 * page badge, the charts and the QR code. `text` on `main` (the badge) meets
 * WCAG AA for normal text, at least 4.5:1 (LOW 5.95, MEDIUM 5.19, HIGH 5.80;
 * `test/report-page.test.ts` computes them), and so does `main` on white, so a
 * QR code drawn in it keeps the contrast a scanner needs.
 */
export const RISK_COLOURS: Record<RiskLevelValue, { main: string; tint: string; text: string }> = {
  LOW: { main: '#137333', tint: '#e6f4ea', text: '#ffffff' },
  MEDIUM: { main: '#a15c00', tint: '#fef7e0', text: '#ffffff' },
  HIGH: { main: '#c5221f', tint: '#fce8e6', text: '#ffffff' },
};

/** The WCAG 2 contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const luminance = (hex: string) =>
    [16, 8, 0]
      .map((shift) => ((parseInt(hex.slice(1), 16) >> shift) & 255) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Fixed texts of the report page. */
export interface ReportTexts {
  title: string;
  subtitle: string;
  creditCode: string;
  division: string;
  industry: string;
  score: string;
  fullMarks: (n: number) => string;
  risk: Record<RiskLevelValue, string>;
  rank: (rank: number, of: number) => string;
  asOf: (date: string, version: string) => string;
  deductions: string;
  deductionsNone: string;
  deductionsSummary: (count: number, points: number) => string;
  byRule: string;
  colDate: string;
  colRule: string;
  colPoints: string;
  colCount: string;
  colSystem: string;
  times: (n: number) => string;
  history: (days: number) => string;
  historyNone: string;
  monitoring: (days: number) => string;
  monitoringNone: (days: number) => string;
  outlet: (code: string) => string;
  monitoringStatus: Record<'OK' | 'EXCEED' | 'MISSING' | 'NONE', string>;
  monitoringLegend: (minValidHours: number) => string;
  colOutlet: string;
  days: (n: number) => string;
  tags: string;
  tagsNone: string;
  qr: string;
  qrHint: string;
  downloadPng: string;
  switchLang: string;
  notFoundTitle: string;
  notFoundBody: (code: string) => string;
  footer: string;
  systems: Record<string, string>;
  /** Objections (异议): the column beside each deduction, the form, and the answer pages. */
  colObjection: string;
  objectionPending: (filedOn: string, deadline: string) => string;
  objectionUpheld: string;
  objectionTitle: string;
  objectionHint: string;
  objectionDeduction: string;
  objectionCode: string;
  objectionReason: string;
  objectionSubmit: string;
  /** `count` objections from `id` on: one per day of a month of monitoring deductions. */
  objectionFiled: (id: string, deadline: string, count: number) => string;
  objectionRefused: string;
  backToReport: string;
}

export const TEXTS: Record<ReportLang, ReportTexts> = {
  zh: {
    title: '企业环境健康体检报告',
    subtitle: '山东省生态环境执法数据中心 · 公示信息',
    creditCode: '统一社会信用代码',
    division: '所在地',
    industry: '行业代码',
    score: '环境健康体检得分',
    fullMarks: (n) => `满分 ${n} 分，累计扣分，下不封底`,
    risk: { LOW: '低风险', MEDIUM: '中风险', HIGH: '高风险' },
    rank: (rank, of) => `全省排名 第 ${rank} 位（共 ${of} 家，第 1 位风险最高）`,
    asOf: (date, version) => `评分日期 ${date} · 评分规则 ${version}`,
    deductions: '扣分明细',
    deductionsNone: '近三年无扣分记录。',
    deductionsSummary: (count, points) => `近三年共 ${count} 项扣分，合计扣 ${points} 分。`,
    byRule: '按规则汇总',
    colDate: '日期',
    colRule: '扣分事项',
    colPoints: '扣分',
    colCount: '次数',
    colSystem: '来源系统',
    times: (n) => `${n} 次`,
    history: (d) => `得分变化（近 ${d} 天）`,
    historyNone: '暂无得分变化记录。',
    monitoring: (d) => `在线监测（近 ${d} 天，按排放口逐日）`,
    monitoringNone: (d) => `近 ${d} 天无在线监测数据。`,
    outlet: (code) => `排放口 ${code}`,
    monitoringStatus: { OK: '达标', EXCEED: '超标', MISSING: '数据缺失', NONE: '无数据' },
    monitoringLegend: (h) => `每格一天：超标指当日有污染物超标小时；数据缺失指当日无数据或有效小时不足 ${h} 小时。`,
    colOutlet: '排放口',
    days: (n) => `${n} 天`,
    tags: '企业标签',
    tagsNone: '暂无标签。',
    qr: '本页二维码',
    qrHint: '扫码查看本企业最新体检报告',
    downloadPng: '下载 PNG',
    switchLang: 'English',
    notFoundTitle: '未找到该企业',
    notFoundBody: (code) => `没有统一社会信用代码为 ${code} 的企业的公示报告。请核对代码后重试。`,
    footer: '本页仅公示执法处罚等公开信息；得分由近三年（1095 天）内的执法、处罚、监测与许可记录按评分规则计算。',
    systems: { permit: '排污许可', enforcement: '执法检查', penalty: '行政处罚', monitoring: '在线监测' },
    colObjection: '异议',
    objectionPending: (filed, deadline) => `异议处理中（${filed} 提出，${deadline} 前答复）`,
    objectionUpheld: '异议成立，待来源系统更正记录',
    objectionTitle: '提出异议',
    objectionHint:
      '对扣分记录有异议的企业，可凭所在区县生态环境局发放的一次性异议码在此提出；异议转交该记录来源系统的数据管理员，15 日内答复。答复前扣分不变；异议成立的，来源系统更正记录后扣分自动撤销。',
    objectionDeduction: '有异议的扣分',
    objectionCode: '异议码',
    objectionReason: '异议理由',
    objectionSubmit: '提交异议',
    objectionFiled: (id, deadline, count) => `异议已受理（编号 ${id}${count > 1 ? ` 起，共 ${count} 天的扣分各一项` : ''}），将于 ${deadline} 前答复。`,
    objectionRefused: '异议未受理',
    backToReport: '返回体检报告',
  },
  en: {
    title: 'Environmental health report',
    subtitle: 'Shandong environmental enforcement data hub · public notice',
    creditCode: 'Unified social credit code',
    division: 'Location',
    industry: 'Industry code',
    score: 'Environmental health score',
    fullMarks: (n) => `Out of ${n}; deductions accumulate with no floor`,
    risk: { LOW: 'Low risk', MEDIUM: 'Medium risk', HIGH: 'High risk' },
    rank: (rank, of) => `Province rank ${rank} of ${of} (rank 1 is the riskiest)`,
    asOf: (date, version) => `Scored on ${date} · rule set ${version}`,
    deductions: 'Deductions',
    deductionsNone: 'No deductions in the last three years.',
    deductionsSummary: (count, points) => `${count} deduction${count === 1 ? '' : 's'} in the last three years, ${points} points in all.`,
    byRule: 'By rule',
    colDate: 'Date',
    colRule: 'Reason',
    colPoints: 'Points',
    colCount: 'Times',
    colSystem: 'Source',
    times: (n) => `${n}×`,
    history: (d) => `Score over the last ${d} days`,
    historyNone: 'No score changes recorded yet.',
    monitoring: (d) => `Online monitoring, day by day per outlet (last ${d} days)`,
    monitoringNone: (d) => `No online monitoring data in the last ${d} days.`,
    outlet: (code) => `Outlet ${code}`,
    monitoringStatus: { OK: 'Within limits', EXCEED: 'Exceeded', MISSING: 'Data missing', NONE: 'No data' },
    monitoringLegend: (h) =>
      `One cell per day: exceeded means a pollutant had exceedance hours that day; data missing means no data or under ${h} valid hours.`,
    colOutlet: 'Outlet',
    days: (n) => `${n} day${n === 1 ? '' : 's'}`,
    tags: 'Tags',
    tagsNone: 'No tags.',
    qr: 'QR code of this page',
    qrHint: 'Scan for the latest report of this enterprise',
    downloadPng: 'Download PNG',
    switchLang: '中文',
    notFoundTitle: 'Enterprise not found',
    notFoundBody: (code) => `There is no public report for an enterprise with credit code ${code}. Please check the code.`,
    footer:
      'This page shows only what public enforcement notices show; the score is computed by the rule set from enforcement, penalty, monitoring and permit records of the last three years (1,095 days).',
    systems: { permit: 'Permits', enforcement: 'Enforcement', penalty: 'Penalties', monitoring: 'Online monitoring' },
    colObjection: 'Objection',
    objectionPending: (filed, deadline) => `Objection filed ${filed}, answer due by ${deadline}`,
    objectionUpheld: 'Objection upheld; awaiting the corrected record from the source system',
    objectionTitle: 'File an objection',
    objectionHint:
      'An enterprise that contests a deduction files here with the one-time objection code from its county bureau. The objection goes to the data steward of the record’s source system and is answered within 15 days. The deduction stays until then; an upheld objection removes it when the source system’s corrected record arrives.',
    objectionDeduction: 'Deduction contested',
    objectionCode: 'Objection code',
    objectionReason: 'Reason',
    objectionSubmit: 'Submit objection',
    objectionFiled: (id, deadline, count) =>
      `Objection received (number ${id}${count > 1 ? ` and on, one for each of ${count} days` : ''}); it will be answered by ${deadline}.`,
    objectionRefused: 'Objection not accepted',
    backToReport: 'Back to the report',
  },
};

/** Names of the rules of SD-2021 in both languages; other rules fall back to the rule set's description. */
export const RULE_LABELS: Record<string, Record<ReportLang, string>> = {
  ENF_SUSPEND: { zh: '责令停产整治', en: 'Order to suspend production' },
  ENF_SEAL: { zh: '查封扣押', en: 'Seal-up or seizure' },
  ENF_RESTRICT: { zh: '限制生产', en: 'Production restricted' },
  ENF_CORRECT: { zh: '责令改正', en: 'Order to correct' },
  ENF_DETENTION: { zh: '移送行政拘留', en: 'Transferred for administrative detention' },
  ENF_CRIME: { zh: '移送涉嫌环境犯罪', en: 'Transferred as a suspected environmental crime' },
  NO_PERMIT: { zh: '无证排污', en: 'Discharging without a permit' },
  INSP_VIOLATION: { zh: '检查发现环境违法问题', en: 'Violation found in an inspection' },
  PEN_SMALL: { zh: '行政处罚（10 万元以下）', en: 'Penalty below ¥100,000' },
  PEN_MEDIUM: { zh: '行政处罚（10 万至 100 万元）', en: 'Penalty of ¥100,000 to ¥1,000,000' },
  PEN_LARGE: { zh: '行政处罚（100 万元及以上）', en: 'Penalty of ¥1,000,000 or more' },
  PEN_DAILY: { zh: '按日连续处罚', en: 'Daily consecutive penalty' },
  MON_EXCEED: { zh: '在线监测超标', en: 'Emission limit exceeded (online monitoring)' },
  MON_MISSING: { zh: '在线监测数据缺失', en: 'Online monitoring data missing' },
  PERMIT_EXPIRED: { zh: '无有效排污许可证', en: 'No valid discharge permit' },
};

/** The label of a rule in a language, falling back to the rule set's description or the code. */
export function ruleLabel(code: string, lang: ReportLang, description?: string): string {
  return RULE_LABELS[code]?.[lang] ?? description ?? code;
}
