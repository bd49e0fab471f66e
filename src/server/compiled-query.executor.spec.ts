import { ApolloServer } from '@apollo/server';
import {
  GraphQLError,
  GraphQLID,
  GraphQLInt,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import { compiledQueryGateway } from './compiled-query.executor';

interface Ctx {
  calls: string[];
}

/** A small schema with what the hub's API has: lists, arguments, an interface, field errors and a mutation. */
function testSchema(): GraphQLSchema {
  const Node = new GraphQLInterfaceType({
    name: 'Node',
    fields: { id: { type: new GraphQLNonNull(GraphQLID) } },
    resolveType: (v: { kind: string }) => v.kind,
  });
  const Item = new GraphQLObjectType({
    name: 'Item',
    interfaces: [Node],
    fields: {
      id: { type: new GraphQLNonNull(GraphQLID) },
      name: { type: GraphQLString },
      refused: {
        type: GraphQLString,
        resolve: () => {
          throw new GraphQLError('not for you', { extensions: { code: 'FORBIDDEN' } });
        },
      },
      broken: {
        type: GraphQLString,
        resolve: () => {
          throw new Error('disk on fire');
        },
      },
    },
  });
  const Other = new GraphQLObjectType({
    name: 'Other',
    interfaces: [Node],
    fields: { id: { type: new GraphQLNonNull(GraphQLID) }, size: { type: GraphQLInt } },
  });
  return new GraphQLSchema({
    types: [Item, Other],
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        items: {
          type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Item))),
          args: { n: { type: new GraphQLNonNull(GraphQLInt) } },
          resolve: (_root, { n }: { n: number }, ctx: Ctx) => {
            ctx.calls.push(`items(${n})`);
            return Array.from({ length: n }, (_, i) => ({ kind: 'Item', id: `i${i}`, name: `企业 ${i}` }));
          },
        },
        node: {
          type: Node,
          args: { id: { type: new GraphQLNonNull(GraphQLID) } },
          resolve: (_root, { id }: { id: string }) => (id.startsWith('o') ? { kind: 'Other', id, size: 3 } : { kind: 'Item', id, name: 'x' }),
        },
      },
    }),
    mutation: new GraphQLObjectType({
      name: 'Mutation',
      fields: { bump: { type: GraphQLInt, resolve: (_root, _args, ctx: Ctx) => ctx.calls.push('bump') } },
    }),
  });
}

async function serverWith(compileAfterRuns: number | null | undefined) {
  const gateway = compiledQueryGateway(testSchema(), compileAfterRuns === undefined ? {} : { compileAfterRuns });
  const apollo = new ApolloServer<Ctx>({ gateway, includeStacktraceInErrorResponses: false });
  await apollo.start();
  const run = async (query: string, variables?: Record<string, unknown>) => {
    const res = await apollo.executeOperation({ query, variables }, { contextValue: { calls: [] } });
    if (res.body.kind !== 'single') throw new Error('expected a single result');
    return { status: res.http.status, ...res.body.singleResult };
  };
  return { gateway, apollo, run };
}

const PAGE = `query Page($n: Int!) { items(n: $n) { id name ... on Node { id } } a: node(id: "o1") { __typename id ... on Other { size } } }`;

describe('compiledQueryGateway', () => {
  it('runs a query on graphql-js twice, then compiled, with the same answer', async () => {
    const { gateway, apollo, run } = await serverWith(undefined);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await run(PAGE, { n: 3 }));
    expect(gateway.stats).toEqual({ interpreted: 2, compiled: 2, compilations: 1 });
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0].data).toEqual({
      items: [
        { id: 'i0', name: '企业 0' },
        { id: 'i1', name: '企业 1' },
        { id: 'i2', name: '企业 2' },
      ],
      a: { __typename: 'Other', id: 'o1', size: 3 },
    });
    // Compiled, the result is made of plain objects.
    expect(Object.getPrototypeOf(answers[3].data)).toBe(Object.prototype);
    await apollo.stop();
  });

  it('gives the same field errors compiled as on graphql-js: message, path, locations, code', async () => {
    const { gateway, apollo, run } = await serverWith(1);
    const q = `{ items(n: 2) { id refused broken } }`;
    const first = await run(q);
    const second = await run(q);
    expect(gateway.stats).toEqual({ interpreted: 1, compiled: 1, compilations: 1 });
    expect(second).toEqual(first);
    expect(second.errors).toHaveLength(4);
    expect(second.errors![0]).toEqual({
      message: 'not for you',
      path: ['items', 0, 'refused'],
      locations: [{ line: 1, column: 20 }],
      extensions: { code: 'FORBIDDEN' },
    });
    expect(second.errors![1]).toMatchObject({ message: 'disk on fire', path: ['items', 0, 'broken'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(second.data).toEqual({
      items: [
        { id: 'i0', refused: null, broken: null },
        { id: 'i1', refused: null, broken: null },
      ],
    });
    await apollo.stop();
  });

  it('answers variables that do not coerce as graphql-js does: BAD_USER_INPUT, HTTP 400, no resolver run', async () => {
    const { gateway, apollo, run } = await serverWith(0);
    const bad = await run(PAGE, { n: 'three' });
    expect(bad.status).toBe(400);
    expect(bad.data).toBeUndefined();
    expect(bad.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Variable "\$n" got invalid value "three"; Int cannot represent non-integer value/),
        extensions: { code: 'BAD_USER_INPUT' },
      }),
    ]);
    expect((await run(PAGE, { n: 1 })).data?.items).toHaveLength(1);
    expect(gateway.stats.compiled).toBe(1);
    await apollo.stop();
  });

  it('leaves mutations and introspection (also through a fragment) to graphql-js, and compiles nothing when off', async () => {
    const { gateway, apollo, run } = await serverWith(0);
    expect((await run(`mutation { bump }`)).data).toEqual({ bump: 1 });
    expect((await run(`{ __schema { queryType { name } } }`)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await run(`query { ...S } fragment S on Query { __type(name: "Item") { name } }`)).data).toEqual({ __type: { name: 'Item' } });
    expect(gateway.stats).toEqual({ interpreted: 3, compiled: 0, compilations: 0 });
    await apollo.stop();

    const off = await serverWith(null);
    for (let i = 0; i < 3; i++) expect((await off.run(PAGE, { n: 1 })).data?.a).toEqual({ __typename: 'Other', id: 'o1', size: 3 });
    expect(off.gateway.stats).toEqual({ interpreted: 3, compiled: 0, compilations: 0 });
    await off.apollo.stop();
  });
});
