// PostGraphile 4.14.1 over the hub's benchmark database, for bench/search.bench.ts.
//   node bench/postgraphile/server.js <DATABASE_URL> <PORT>
// Serves /graphql; prints its URL when listening.
'use strict';
const http = require('node:http');
const { postgraphile } = require('postgraphile');

const [url, port] = process.argv.slice(2);
if (!url || !port) {
  console.error('usage: node server.js <DATABASE_URL> <PORT>');
  process.exit(2);
}
const middleware = postgraphile(url, 'public', {
  disableQueryLog: true,
  setofFunctionsContainNodes: true,
  dynamicJson: true,
  graphiql: false,
  ignoreRBAC: true,
  disableDefaultMutations: true,
  retryOnInitFail: false,
  watchPg: false,
  enableQueryBatching: false,
  simpleCollections: 'omit',
});
http.createServer(middleware).listen(Number(port), '127.0.0.1', () => console.log(`http://127.0.0.1:${port}/graphql`));
