import { DateResolver, DateTimeResolver } from 'graphql-scalars';

/** `Date` (YYYY-MM-DD) from graphql-scalars. */
export const DateScalar = DateResolver;
/** `DateTime` (ISO 8601 with zone) from graphql-scalars. */
export const DateTimeScalar = DateTimeResolver;
