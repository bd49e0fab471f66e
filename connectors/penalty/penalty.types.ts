import { PenaltyStatus } from '../../src/domain/vocabulary';

/** The header row of the penalty export, in order (案件编号 … 修改时间). */
export const PENALTY_HEADERS = ['案件编号', '统一社会信用代码', '决定日期', '罚款金额', '按日连续处罚', '状态', '修改时间'] as const;

/**
 * Columns the export may carry besides {@link PENALTY_HEADERS}, kept in the stored row
 * when present: 当事人名称 (the party's name; with it the credit-code column may be blank
 * or hold a 9-character organisation code).
 */
export const PENALTY_OPTIONAL_HEADERS = ['当事人名称'] as const;

/** One header of the export. */
export type PenaltyHeader = (typeof PENALTY_HEADERS)[number];

/**
 * One row of the penalty export as the hub keeps it: header → cell text,
 * exactly as exported (this is also the payload kept in quarantine).
 */
export type PenaltyCsvRow = Record<string, string>;

/** Key of a row's cells past the header's count (kept so the row can be quarantined whole). */
export const EXTRA_CELLS = '_extra';
/** Key of the number of cells of a ragged row (one whose cell count differs from the header's). */
export const CELL_COUNT = '_cells';

/** The export's Chinese statuses and the unified ones. */
export const PENALTY_STATUS: Record<string, PenaltyStatus> = {
  已立案: 'FILED',
  已决定: 'DECIDED',
  已执行: 'EXECUTED',
  已撤销: 'REVOKED',
};

/** What the penalty connector commits: the end of the last fully stored window (China date). */
export interface PenaltyCursor {
  /** `YYYY-MM-DD`; the next run re-reads from this date on (inclusive). */
  watermark: string | null;
  /** `YYYY-MM-DD`, the earliest modification date read completely; a longer history window makes the next run read the dates before it. */
  earliest?: string | null;
}
