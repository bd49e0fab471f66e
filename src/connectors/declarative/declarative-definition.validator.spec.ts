import { creditRatingInput } from '../../../test/support/credit-rating-definition';
import { problemsThrown } from '../../../test/support/problems-thrown';
import { DeclarativeDefinitionError, validateDeclarativeInput } from './declarative-definition.validator';

const good = creditRatingInput([{ from: '绿标', to: 'green' }], 'k');

const problems = (input: unknown, opts?: { reservedIds?: string[] }) => problemsThrown(() => validateDeclarativeInput(input, opts), DeclarativeDefinitionError);

/** The zod schema of a steward's definition: defaults applied, secrets split off, every problem naming its field. */
describe('declarative definition validation', () => {
  it('turns a good input into a stored definition with defaults and secrets apart', () => {
    const { definition, secrets } = validateDeclarativeInput({ ...good, baseUrl: 'http://src.example/api//', pagination: { type: 'page' } });
    expect(definition).toEqual({
      version: 1,
      id: 'credit-rating',
      title: '环境信用评价系统',
      owner: 'credit office',
      baseUrl: 'http://src.example/api',
      path: '/credit/ratings',
      query: {},
      itemsPath: '',
      pagination: { type: 'page', pageParam: 'page', sizeParam: 'pageSize', size: 100, firstPage: 1 },
      incremental: { field: 'updatedAt', param: 'updatedAfter' },
      recordKind: 'rating',
      fields: [
        { target: 'creditCode', source: 'uscc' },
        { target: 'level', source: 'level', valueMap: { 绿标: 'green' } },
        { target: 'ratedOn', source: 'ratedOn' },
        { target: 'updatedAt', source: 'updatedAt' },
      ],
      headers: [
        { name: 'X-Api-Key', secret: true },
        { name: 'X-Client', value: 'hub', secret: false },
      ],
      schedule: '0 3 * * *',
      enabled: true,
    });
    expect(secrets).toEqual({ 'header:X-Api-Key': 'k' });
    expect(validateDeclarativeInput({ ...good, query: { a: '1' }, pagination: { type: 'cursor', nextCursorPath: 'next' } }).definition).toMatchObject({
      query: { a: '1' },
      pagination: { type: 'cursor', cursorParam: 'cursor', nextCursorPath: 'next', hasMorePath: null, sizeParam: null, size: null },
    });
  });

  it('lists every problem at once, each naming its field', () => {
    const p = problems({
      ...good,
      id: 'Credit Rating',
      title: '',
      colour: 'red',
      baseUrl: 'ftp://u:p@x',
      path: 'credit',
      query: [{ name: 'a', value: '1' }, { name: 'a', value: '2' }, 3],
      pagination: { type: 'page', size: 0 },
      incremental: { field: 'updatedAt' },
      schedule: 'every day',
      enabled: 'yes',
      fields: [{ target: 'creditCode', source: 'uscc' }, { target: 'colour', source: 'level' }, { target: 'creditCode', source: 'a b' }, 'x'],
      headers: [
        { name: 'Host', value: 'x' },
        { name: 'X-A', value: 'a\nb' },
        { name: 'bad name', value: 'x' },
      ],
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^id 'Credit Rating' must be kebab-case/),
        'title is required',
        expect.stringMatching(/^colour is not a field of a connector definition; valid: id, title/),
        "baseUrl must use http or https, got 'ftp'",
        'baseUrl must not carry credentials; use a secret header',
        expect.stringMatching(/^path 'credit' must start with \//),
        "query[1].name 'a' appears twice",
        'query[2] must be {name: string, value: string}',
        'pagination.size must be an integer from 1 to 100000',
        "incremental.param must be a query parameter name, e.g. 'updatedAfter'",
        `schedule "every day" is not a cron expression (e.g. '0 3 * * *' or '*/30 * * * * *')`,
        'enabled must be true or false',
        expect.stringMatching(/^fields\[1\]\.target 'colour' is not a field of rating; valid: creditCode, level, ratedOn, updatedAt$/),
        "fields[2].target 'creditCode' is mapped twice",
        "fields[2].source must be a dotted path into the source record, e.g. 'uscc'",
        'fields[3] must be {target, source, valueMap?}',
        "fields has no mapping for required rating field 'level'",
        "headers[0].name 'Host' is set by the hub itself",
        'headers[1].value must be one line',
        'headers[2].name must be an HTTP header name',
      ]),
    );
  });

  it('names pagination, record kind, fields and reserved ids', () => {
    expect(problems({ ...good, pagination: { type: 'CURSOR' } })).toEqual(['pagination.nextCursorPath is required for cursor pagination']);
    expect(problems({ ...good, pagination: { type: 'scroll' } })).toEqual(['pagination.type must be none, page or cursor, got "scroll"']);
    expect(problems({ ...good, pagination: 3 })).toEqual(['pagination must be an object with a type (none, page or cursor)']);
    expect(problems({ ...good, recordKind: 'permit' })).toEqual(['recordKind must be one of rating, enforcement, penalty, monitoring, got "permit"']);
    expect(problems({ ...good, fields: [] })).toEqual(['fields must be a non-empty list of {target, source, valueMap?}']);
    expect(problems({ ...good, query: 'a=1' })).toEqual(['query must be an object or a list of {name, value}']);
    expect(problems({ ...good, query: { a: 1 } })).toEqual(['query.a must be a string']);
    expect(problems({ ...good, id: 'permit' }, { reservedIds: ['permit'] })).toEqual(["id 'permit' belongs to a code connector; choose another id"]);
    expect(problems([])).toEqual(['the definition must be a JSON object']);
    expect(problems({ ...good, title: 'x'.repeat(201) })).toEqual(['title is longer than 200 characters']);
    expect(problems({ ...good, baseUrl: 'not a url' })).toEqual(["baseUrl is not a valid URL: 'not a url'"]);
  });
});
