import { CsvSyntaxError, parseCsv, parseCsvObjects } from './penalty-csv.parser';
import { mapPenaltyRow } from './penalty.mapper';
import { MappingError } from '../../src/connectors/connector.types';

describe('RFC 4180 parser', () => {
  it('drops the BOM and splits CRLF records', () => {
    expect(parseCsv('\uFEFFa,b\r\n1,2\r\n')).toEqual([['a', 'b'], ['1', '2']]);
  });
  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(parseCsv('"x,y","say ""hi""","line1\r\nline2",z\n')).toEqual([['x,y', 'say "hi"', 'line1\r\nline2', 'z']]);
  });
  it('keeps empty fields, also at the end, and a last record without a line break', () => {
    expect(parseCsv('a,,c,\n"",b')).toEqual([['a', '', 'c', ''], ['', 'b']]);
  });
  it('rejects an unterminated quote and text after a closing quote', () => {
    expect(() => parseCsv('"abc\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('"a"b,c')).toThrow(CsvSyntaxError);
  });
  it('makes header → cell objects and keeps short and long rows whole', () => {
    const { rows } = parseCsvObjects('h1,h2\r\n1\r\n1,2,3\r\n');
    expect(rows).toEqual([{ h1: '1' }, { h1: '1', h2: '2', _extra: '3' }]);
  });
});

describe('penalty row mapping', () => {
  const row = { 案件编号: 'A-1', 统一社会信用代码: '91370102MA3C4R5X2B', 决定日期: '2026-04-10', 罚款金额: '125000.00', 按日连续处罚: '否', 状态: '已执行', 修改时间: '2026-04-10T09:00:00+08:00' };
  it('maps yuan, 是/否 and the Chinese status', () => {
    expect(mapPenaltyRow(row).data).toEqual({ caseNo: 'A-1', decisionDate: '2026-04-10', amount: 125000, dailyConsecutive: false, status: 'EXECUTED', modifiedAt: '2026-04-10T09:00:00+08:00' });
    expect(mapPenaltyRow({ ...row, 按日连续处罚: '是', 状态: '已撤销', 罚款金额: '1,200.50' }).data).toMatchObject({ dailyConsecutive: true, status: 'REVOKED', amount: 1200.5 });
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
});
