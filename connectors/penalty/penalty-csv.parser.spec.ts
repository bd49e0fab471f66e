import { CsvEncodingError, CsvSyntaxError, assertUtf8, csvRecords, parseCsvObjects } from './penalty-csv.parser';
import { mapPenaltyRow } from './penalty.mapper';
import { PENALTY_HEADERS } from './penalty.types';
import { MappingError } from '../../src/connectors/connector.types';

async function parseCsv(text: string | Buffer): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of csvRecords(text)) out.push(r);
  return out;
}

describe('RFC 4180 parsing (csv-parse, streaming)', () => {
  it('drops the BOM and splits CRLF records', async () => {
    expect(await parseCsv('\uFEFFa,b\r\n1,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(await parseCsv(Buffer.from('\uFEFFa,b\r\n1,2\r\n'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });
  it('keeps commas, doubled quotes and line breaks inside quoted fields', async () => {
    expect(await parseCsv('"x,y","say ""hi""","line1\r\nline2",z\n')).toEqual([['x,y', 'say "hi"', 'line1\r\nline2', 'z']]);
  });
  it('keeps empty fields, also at the end, and a last record without a line break; accepts LF and CR', async () => {
    expect(await parseCsv('a,,c,\n"",b')).toEqual([
      ['a', '', 'c', ''],
      ['', 'b'],
    ]);
    expect(await parseCsv('a\nb\r\nc\rd\n\n')).toEqual([['a'], ['b'], ['c'], ['d']]);
  });
  it('rejects an unterminated quote and text after a closing quote', async () => {
    await expect(parseCsv('"abc\n')).rejects.toThrow(CsvSyntaxError);
    await expect(parseCsv('"a"b,c')).rejects.toThrow(CsvSyntaxError);
  });
  it('makes header → cell objects and keeps short and long rows whole, with their cell count', async () => {
    const { rows } = await parseCsvObjects('h1,h2\r\n1\r\n1,2,3\r\n1,2\r\n');
    expect(rows).toEqual([
      { h1: '1', _cells: '1' },
      { h1: '1', h2: '2', _cells: '3', _extra: '3' },
      { h1: '1', h2: '2' },
    ]);
  });
  it('keeps only the known columns, so a column added by the source leaves the rows as they were', async () => {
    const { headers, rows } = await parseCsvObjects('h1,new,h2\r\n1,x,2\r\n', ['h1', 'h2']);
    expect(headers).toEqual(['h1', 'new', 'h2']);
    expect(rows).toEqual([{ h1: '1', h2: '2' }]);
  });
  it('says "wrong encoding" for a GBK body and accepts UTF-8 with or without a BOM', () => {
    const header = PENALTY_HEADERS.join(',') + '\r\n';
    // 案件编号 in GBK: B0 B8 BC FE B1 E0 BA C5
    const gbk = Buffer.from([0xb0, 0xb8, 0xbc, 0xfe, 0xb1, 0xe0, 0xba, 0xc5, 0x2c, 0x41, 0x0d, 0x0a]);
    expect(() => assertUtf8(gbk, 'penalty export')).toThrow(CsvEncodingError);
    expect(() => assertUtf8(gbk, 'penalty export')).toThrow(/wrong encoding.*GBK/);
    expect(() => assertUtf8(Buffer.from(header))).not.toThrow();
    expect(() => assertUtf8(Buffer.from('\uFEFF' + header))).not.toThrow();
  });
});

describe('penalty row mapping', () => {
  const row = {
    案件编号: 'A-1',
    统一社会信用代码: '91370102MA3C4R5X2B',
    决定日期: '2026-04-10',
    罚款金额: '125000.00',
    按日连续处罚: '否',
    状态: '已执行',
    修改时间: '2026-04-10T09:00:00+08:00',
  };
  it('maps yuan, 是/否 and the Chinese status', () => {
    expect(mapPenaltyRow(row).data).toEqual({
      caseNo: 'A-1',
      decisionDate: '2026-04-10',
      amount: 125000,
      dailyConsecutive: false,
      status: 'EXECUTED',
      modifiedAt: '2026-04-10T09:00:00+08:00',
    });
    expect(mapPenaltyRow({ ...row, 按日连续处罚: '是', 状态: '已撤销', 罚款金额: '1,200.50' }).data).toMatchObject({
      dailyConsecutive: true,
      status: 'REVOKED',
      amount: 1200.5,
    });
  });
  it.each([
    [{ 罚款金额: 'abc' }, /罚款金额/],
    [{ 罚款金额: '12.345' }, /罚款金额/],
    [{ 按日连续处罚: 'Y' }, /按日连续处罚/],
    [{ 状态: '已结案' }, /状态/],
    [{ 修改时间: undefined }, /修改时间/],
  ])('names the column of an unreadable cell: %j', (patch, reason) => {
    const bad = { ...row, ...patch } as Record<string, string>;
    if (patch.修改时间 === undefined && '修改时间' in patch) delete bad['修改时间'];
    expect(() => mapPenaltyRow(bad)).toThrow(MappingError);
    expect(() => mapPenaltyRow(bad)).toThrow(reason);
  });
  it('quarantines a ragged row under its case number, naming the case in the reason', async () => {
    const header = PENALTY_HEADERS.join(',');
    for (const line of ['A-9,91370102MA3C4R5X2B,2026-04-10,100.00,否,已执行,2026-04-10T09:00:00+08:00,extra', 'A-9,91370102MA3C4R5X2B,2026-04-10']) {
      const { rows } = await parseCsvObjects(`${header}\r\n${line}\r\n`, PENALTY_HEADERS);
      let err: unknown;
      try {
        mapPenaltyRow(rows[0]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MappingError);
      expect((err as MappingError).message).toMatch(/case A-9/);
      expect((err as MappingError).identity).toEqual({ sourceId: 'A-9', creditCode: '91370102MA3C4R5X2B' });
    }
  });
});
