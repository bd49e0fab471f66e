/**
 * The floors of src/ (docs/architecture.md), bottom first. A module may import
 * the floors below its own, never a floor above. Within a floor, a folder may
 * import the folders listed before it, never those after it — so the folders
 * of src/ form one order and no folder cycle can form (the python layer check
 * and test/layers.test.ts say the same from the graph).
 *
 * Run: `npm run lint:layers` (also in .ci/run, before the tests).
 */
const FLOORS = [
  // vocabulary, configuration, logs and metrics, the job queue (graphile-worker), the database: under everything
  ['domain', 'config', 'observability', 'jobs', 'db'],
  // reference data every concern reads: the division tree, the jurisdiction predicate, callers (API keys), the enterprise read model
  ['divisions', 'jurisdiction', 'auth', 'enterprises'],
  // source systems: pull connectors (and the code connectors in /connectors), the HJ 212 gateway,
  // and the binding of its monitoring devices to enterprises
  ['connectors', 'gateway', 'monitoring'],
  ['resolution'],
  ['ingest'],
  // derived data and background work over it
  ['scoring', 'tags', 'warnings', 'supervision', 'scheduling'],
  ['realtime'],
  // consumers of the derived data: webhook delivery, search facets, the public report's data
  ['webhooks', 'search', 'report'],
  ['graphql'],
  // the Apollo plugin writing the audit log of GraphQL operations
  ['audit'],
  ['server'],
  ['app'],
  ['cli'],
];

const folders = (list) => `^src/(${list.join('|')})/`;
const ORDER = FLOORS.flat();
const floorOf = (name) => FLOORS.findIndex((f) => f.includes(name));

/** One rule per folder: it imports nothing above it (a higher floor, or a later folder of its floor). */
const floorRules = ORDER.slice(0, -1).map((name, i) => {
  const higher = ORDER.slice(i + 1);
  const siblings = higher.filter((h) => floorOf(h) === floorOf(name));
  return {
    name: `layer-${name}`,
    comment:
      `src/${name} must not import ${higher.filter((h) => !siblings.includes(h)).join(', ')} (higher floors)` +
      (siblings.length ? ` nor ${siblings.join(', ')} (after it on its floor)` : '') +
      '; pass the dependency in from src/app instead',
    severity: 'error',
    from: { path: folders([name]), pathNot: '\\.spec\\.ts$' },
    to: { path: folders(higher) },
  };
});

/** Every folder of src/ must be on a floor, so a new one is placed deliberately. */
const known = ORDER;

module.exports = {
  forbidden: [
    ...floorRules,
    {
      name: 'code-connectors-stay-low',
      comment: 'the code connectors in /connectors use src/connectors and src/domain only (I/O and pure mapping)',
      severity: 'error',
      from: { path: '^connectors/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/', pathNot: folders(['connectors', 'domain', 'config', 'observability']) },
    },
    {
      name: 'folder-on-a-floor',
      comment: `every folder of src/ is on a floor of .dependency-cruiser.js (${known.join(', ')})`,
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: folders(known) },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'no import cycles between modules',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|generated)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
