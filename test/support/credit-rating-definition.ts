/**
 * A steward's declarative definition of the credit evaluation system (环境信用评价), in the shape
 * `registerConnector(input:)` and `validateDeclarativeInput` take: one unpaged list, incremental on
 * `updatedAt`, the level mapped through `valueMap`, and a secret API key header beside a plain one.
 */
export function creditRatingInput(valueMap: { from: string; to: string }[], apiKey = 'top-secret-key') {
  return {
    id: 'credit-rating',
    title: '环境信用评价系统',
    owner: 'credit office',
    path: '/credit/ratings',
    itemsPath: '',
    pagination: { type: 'NONE' },
    incremental: { field: 'updatedAt', param: 'updatedAfter' },
    recordKind: 'rating',
    fields: [
      { target: 'creditCode', source: 'uscc' },
      { target: 'level', source: 'level', valueMap },
      { target: 'ratedOn', source: 'ratedOn' },
      { target: 'updatedAt', source: 'updatedAt' },
    ],
    headers: [
      { name: 'X-Api-Key', value: apiKey, secret: true },
      { name: 'X-Client', value: 'hub' },
    ],
    schedule: '0 3 * * *',
  };
}
