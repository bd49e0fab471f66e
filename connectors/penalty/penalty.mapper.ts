import { MappingError } from '../../src/connectors/connector.types';
import { PenaltyData, UnifiedRecord } from '../../src/connectors/unified-record';
import { CELL_COUNT, PENALTY_HEADERS, PENALTY_STATUS, PenaltyCsvRow } from './penalty.types';

const AMOUNT_RE = /^\d+(\.\d{1,2})?$/;

/** Parses an amount in yuan (`125000.00`, thousands separators tolerated); throws naming the column. */
export function parseYuan(text: string | undefined): number {
  const s = (text ?? '').trim().replace(/,/g, '');
  if (!AMOUNT_RE.test(s)) throw new MappingError(`column '罚款金额' (amount) is not an amount in yuan with two decimals: ${JSON.stringify(text ?? null)}`);
  return Math.round(Number(s) * 100) / 100;
}

/** 是 → true, 否 → false; throws naming the column otherwise. */
export function parseYesNo(text: string | undefined): boolean {
  const s = (text ?? '').trim();
  if (s === '是') return true;
  if (s === '否') return false;
  throw new MappingError(`column '按日连续处罚' (daily consecutive) must be 是 or 否, got ${JSON.stringify(text ?? null)}`);
}

/** 已立案/已决定/已执行/已撤销 → FILED/DECIDED/EXECUTED/REVOKED; throws naming the column otherwise. */
export function parseStatus(text: string | undefined): PenaltyData['status'] {
  const s = PENALTY_STATUS[(text ?? '').trim()];
  if (!s) throw new MappingError(`column '状态' (status) must be one of ${Object.keys(PENALTY_STATUS).join('|')}, got ${JSON.stringify(text ?? null)}`);
  return s;
}

/**
 * Maps one row of the penalty CSV export (header → cell) onto the unified
 * `penalty` record. Pure. Cells that cannot be read (amount, 是/否, status, a
 * missing column) raise a {@link MappingError} naming the column; dates and the
 * credit code pass through for the ingest validator to judge.
 */
export function mapPenaltyRow(native: unknown): UnifiedRecord<'penalty'> {
  if (!native || typeof native !== 'object' || Array.isArray(native)) throw new MappingError('penalty row is not an object of header → cell');
  const row = native as PenaltyCsvRow;
  // Who the row is about, read first so that every refusal below names the case.
  const caseNo = typeof row['案件编号'] === 'string' ? row['案件编号'].trim() : '';
  const creditCode = typeof row['统一社会信用代码'] === 'string' ? row['统一社会信用代码'].trim() : '';
  const identity = caseNo ? { sourceId: caseNo, ...(creditCode ? { creditCode } : {}) } : undefined;
  const ofCase = caseNo ? `row of case ${caseNo}` : 'row';
  if (row[CELL_COUNT] !== undefined) {
    throw new MappingError(`${ofCase} has ${row[CELL_COUNT]} cells, the header has ${PENALTY_HEADERS.length} (a ragged row)`, identity);
  }
  const missing = PENALTY_HEADERS.filter((h) => typeof row[h] !== 'string');
  if (missing.length) throw new MappingError(`${ofCase} lacks column(s) ${missing.map((m) => `'${m}'`).join(', ')}`, identity);
  try {
    return {
      kind: 'penalty',
      creditCode,
      sourceId: caseNo,
      data: {
        caseNo,
        decisionDate: row['决定日期'].trim(),
        amount: parseYuan(row['罚款金额']),
        dailyConsecutive: parseYesNo(row['按日连续处罚']),
        status: parseStatus(row['状态']),
        modifiedAt: row['修改时间'].trim(),
      },
      // 当事人名称 (optional column): with it the credit-code column may be blank or an organisation code.
      ...(typeof row['当事人名称'] === 'string' && row['当事人名称'].trim() !== '' ? { identity: { name: row['当事人名称'].trim() } } : {}),
    };
  } catch (e) {
    // Keep who the row is about, so quarantine links it to its enterprise and case.
    if (e instanceof MappingError) throw new MappingError(e.message, { sourceId: caseNo, creditCode });
    throw e;
  }
}
