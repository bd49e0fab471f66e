import { FragmentDefinitionNode, Kind, OperationDefinitionNode, parse } from 'graphql';
import { buildHubSchema } from '../schema';
import { measureOperation } from './query-cost';

async function measure(query: string, variables: Record<string, unknown> = {}) {
  const schema = await buildHubSchema();
  const doc = parse(query);
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = Object.fromEntries(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
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
