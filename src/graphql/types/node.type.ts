import { Field, ID, InterfaceType } from 'type-graphql';

/** What `node` and `nodes` return: a row tagged with its GraphQL type. */
export interface TypedNode {
  __nodeType: string;
}

/** The GraphQL type of a node: the name it was tagged with. */
export function nodeTypeOf(value: TypedNode): string {
  return value.__nodeType;
}

/**
 * The Relay `Node` interface: every object with a global id, which
 * `node(id)` and `nodes(ids)` read back inside the caller's jurisdiction.
 */
@InterfaceType('Node', {
  description: 'An object with a global id (全局标识, opaque): Enterprise, Warning, Connector, ConnectorRun or Tag; refetch it with node(id)',
  resolveType: nodeTypeOf,
})
export abstract class Node {
  @Field(() => ID, { description: 'Global, opaque id of this object; pass it to node(id)' }) id!: string;
}
