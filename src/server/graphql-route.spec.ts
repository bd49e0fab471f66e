import { reportsDatabaseUnavailable } from './graphql.route';

describe('reportsDatabaseUnavailable', () => {
  it('is true only for an error whose code says the database is unavailable', () => {
    expect(reportsDatabaseUnavailable(JSON.stringify({ errors: [{ message: 'down', extensions: { code: 'SERVICE_UNAVAILABLE' } }], data: null }))).toBe(true);
    expect(reportsDatabaseUnavailable(JSON.stringify({ errors: [{ message: 'bad', extensions: { code: 'BAD_USER_INPUT' } }] }))).toBe(false);
    expect(reportsDatabaseUnavailable(JSON.stringify({ data: { enterprise: { name: 'SERVICE_UNAVAILABLE' } } }))).toBe(false);
    expect(reportsDatabaseUnavailable(JSON.stringify({ data: { tags: [{ code: 'SERVICE_UNAVAILABLE' }] }, errors: [{ message: 'x' }] }))).toBe(false);
  });
});
