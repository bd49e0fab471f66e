import { FragmentDefinitionNode, Kind, OperationDefinitionNode, OperationTypeNode, getIntrospectionQuery, parse } from 'graphql';
import { buildHubSchema } from '../schema';
import { RECOMPUTE_COST, SCAN_COST, measureOperation } from './query-cost';
import { precheckDocument } from './document-precheck';
import { DEFAULT_QUERY_LIMITS, limitError } from './query-limits.plugin';
import { limitWalkCounter } from './walk-counter';

async function measure(query: string, variables: Record<string, unknown> = {}) {
  const schema = await buildHubSchema();
  const doc = parse(query);
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  return measureOperation(schema, op, fragments, variables);
}

describe('query cost', () => {
  it('counts a connection page once: edges inside a paged field do not multiply again', async () => {
    const m = await measure('{ enterprises(first: 100) { totalCount edges { node { creditCode permits { permitNo } } } } }');
    // enterprises 1; inside the page of 100: totalCount, edges, node, creditCode, permits; permitNo 100 × 10 (a list without first)
    expect(m.cost).toBe(1 + 100 * 5 + 1000);
    expect(m.depth).toBe(5);
    expect(m.largestPage).toBe(100);
  });

  it('takes page sizes from variables and follows fragments', async () => {
    const m = await measure('query($n: Int) { a: enterprises(first: $n) { ...E } } fragment E on EnterpriseConnection { edges { node { name } } }', { n: 20 });
    expect(m.aliases).toBe(1);
    expect(m.cost).toBe(1 + 20 + 20 + 20);
    expect(m.largestPagePath).toBe('a');
  });
});

/** `levels` fragments, each spreading the next twice, the last selecting one field: 2^levels expansions, 2·levels+2 selections. */
export function fragmentChain(levels: number, on = 'Query', leaf = 'warningTypes', root = ''): string {
  const parts = [`${root}{ ...F0 }`];
  for (let i = 0; i < levels; i++) parts.push(`fragment F${i} on ${on} { ...F${i + 1} ...F${i + 1} }`);
  parts.push(`fragment F${levels} on ${on} { ${leaf} }`);
  return parts.join(' ');
}

describe('checks before execution are linear in the document', () => {
  for (const levels of [20, 22]) {
    it(`visits each selection of a ${levels}-level fragment chain once in the pre-parse check and once in the cost measure`, async () => {
      const query = fragmentChain(levels);
      const selections = 2 * levels + 2;
      limitWalkCounter.visited = 0;
      expect(precheckDocument(query, DEFAULT_QUERY_LIMITS)).toBeNull();
      expect(limitWalkCounter.visited).toBe(selections);
      limitWalkCounter.visited = 0;
      const m = await measure(query);
      expect(limitWalkCounter.visited).toBe(selections);
      // Execution runs F(i+1) once per selection set, as the measure counts it: one field.
      expect(m).toMatchObject({ depth: 1, cost: 1, aliases: 0 });
    });
  }

  it('counts a fragment once per selection set, as execution merges it, and in full wherever else it is spread', async () => {
    expect((await measure('{ ...A ... on Query { ...A } } fragment A on Query { divisions { code } }')).cost).toBe(1 + 10);
    const m = await measure('{ divisions { ...P } enterprises(first: 2) { edges { node { division { ...P } } } } } fragment P on Division { code }');
    expect(m.cost).toBe(1 + 10 + (1 + 2 * (1 + 1 + 1 + 1)));
    expect(m.depth).toBe(5);
  });
});

describe('the cost model uses what execution will use', () => {
  it('costs a page given by a variable default at the default, and by the argument default when nothing is given', async () => {
    const q = 'query($n: Int = 500) { enterprises(first: $n) { edges { node { name } } } }';
    expect((await measure(q)).largestPage).toBe(500);
    expect((await measure(q, { n: 10 })).largestPage).toBe(10);
    expect((await measure('{ enterprises { edges { node { name } } } }')).cost).toBe(1 + 50 * 3);
  });

  it('refuses 30 aliases of 500-row pages given by a variable default', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: enterprises(first: $n) { edges { node { creditCode healthReport { score } } } }`).join(' ');
    const m = await measure(`query($n: Int = 500) { ${aliases} }`);
    expect(limitError(m, DEFAULT_QUERY_LIMITS, OperationTypeNode.QUERY)?.extensions.code).toBe('QUERY_TOO_COSTLY');
  });

  it('costs the fields that scan the jurisdiction as a scan, whatever their page', async () => {
    expect((await measure('{ enterpriseFacets { totalCount } }')).cost).toBe(SCAN_COST + 1);
    expect((await measure('{ ruleSetPreview(version: "x", first: 1) { version } }')).cost).toBe(SCAN_COST + 1);
    expect((await measure('{ supervisionStats(divisionCode: "370000", from: "2026-10-01", to: "2026-12-31") { divisionCode } }')).cost).toBe(SCAN_COST + 1);
    const many = Array.from({ length: 30 }, (_, i) => `f${i}: enterpriseFacets { totalCount }`).join(' ');
    expect(limitError(await measure(`{ ${many} }`), DEFAULT_QUERY_LIMITS, OperationTypeNode.QUERY)?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY' });
  });

  it('costs a subscription per event, a past health report as a recomputation', async () => {
    const reports = Array.from({ length: 5 }, (_, i) => `r${i}: healthReport(knownAt: "2026-01-01T00:00:00Z") { score }`).join(' ');
    const m = await measure(`subscription { scoreChanged { creditCode ${reports} } }`);
    expect(m.cost).toBe(1 + 1 + 5 * (RECOMPUTE_COST + 1));
    expect(limitError(m, DEFAULT_QUERY_LIMITS, OperationTypeNode.SUBSCRIPTION)?.extensions).toMatchObject({
      code: 'SUBSCRIPTION_TOO_COSTLY',
      limit: DEFAULT_QUERY_LIMITS.maxSubscriptionCost,
    });
  });
});

describe('introspection has limits of its own', () => {
  it('admits the standard introspection query with every option, apart from the data depth', async () => {
    const q = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    expect(precheckDocument(q, DEFAULT_QUERY_LIMITS)).toBeNull();
    const m = await measure(q);
    expect(m.depth).toBe(0);
    expect(m.introspectionDepth).toBeGreaterThan(DEFAULT_QUERY_LIMITS.maxDepth);
    expect(limitError(m, DEFAULT_QUERY_LIMITS, OperationTypeNode.QUERY)).toBeNull();
  });

  it('refuses recursive introspection', async () => {
    const m = await measure('{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }');
    expect(limitError(m, DEFAULT_QUERY_LIMITS, OperationTypeNode.QUERY)?.extensions.code).toBe('INTROSPECTION_TOO_COSTLY');
    let deep = 'name';
    for (let i = 0; i < 25; i++) deep = `ofType { ${deep} }`;
    expect(precheckDocument(`{ __type(name: "Enterprise") { ${deep} } }`, DEFAULT_QUERY_LIMITS)?.extensions.code).toBe('INTROSPECTION_TOO_DEEP');
  });
});
