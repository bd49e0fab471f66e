#!/usr/bin/env -S node --max-semi-space-size=32
// The hub's command line. Runs the compiled code in dist/ (built by `npm run build`, which `npm ci` runs via `prepare`).
// V8's young generation may grow to 32 MB semi-spaces (YOUNG_GENERATION_FLAG in src/app/memory-budget.ts; npm start
// and npm run hub pass it too): it can only be set when node starts.
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('hub is not built yet: run `npm run build` (npm ci does it for you)');
  process.exit(1);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
