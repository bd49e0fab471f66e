import { ArgsType, ClassType, Field, Int, ObjectType } from 'type-graphql';

// simpleResolvers: property fields use graphql's default resolver instead of a type-graphql wrapper per field and row
// (these fields have no middleware or @Authorized; @FieldResolver fields keep theirs).
@ObjectType({ description: 'Relay page information (分页信息): where this page lies in the result', simpleResolvers: true })
export class PageInfo {
  @Field({ description: 'Whether rows follow this page (page on with `first` and `after: endCursor`)' }) hasNextPage!: boolean;
  @Field({ description: 'Whether rows come before this page (page back with `last` and `before: startCursor`)' }) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Cursor of the first row of this page; null when the page is empty' }) startCursor!: string | null;
  @Field(() => String, { nullable: true, description: 'Cursor of the last row of this page; null when the page is empty' }) endCursor!: string | null;
}

/**
 * The fields of a Relay edge of `Node`: its opaque `cursor` and the `node`, with the
 * descriptions given. Name the edge by extending it:
 * `@ObjectType({ description }) class WarningEdge extends EdgeOf(Warning, { cursor: '…' }) {}`.
 */
export function EdgeOf<T extends object>(Node: ClassType<T>, descriptions: { cursor?: string; node?: string } = {}) {
  @ObjectType({ simpleResolvers: true })
  abstract class Edge {
    @Field({ description: descriptions.cursor }) cursor!: string;
    @Field(() => Node, { description: descriptions.node }) node!: T;
  }
  return Edge;
}

/**
 * The fields of a Relay connection of `Edge`: its `edges` and `pageInfo`, with the
 * descriptions given. Name the connection by extending it, and add `totalCount` there
 * (a field, or a field resolver that counts only when asked).
 */
export function ConnectionOf<E extends object>(Edge: ClassType<E>, descriptions: { edges?: string; pageInfo?: string } = {}) {
  @ObjectType({ simpleResolvers: true })
  abstract class Connection {
    @Field(() => [Edge], { description: descriptions.edges }) edges!: E[];
    @Field(() => PageInfo, { description: descriptions.pageInfo }) pageInfo!: PageInfo;
  }
  return Connection;
}

/**
 * The arguments of a forward-paged, filtered list (`filter`, `first` 0–500 defaulting to 50, `after`),
 * with the descriptions given. Name them by extending: `@ArgsType() class TaskListArgs extends ForwardListArgsOf(TaskFilterInput, {…}) {}`.
 */
export function ForwardListArgsOf<F extends object>(Filter: ClassType<F>, descriptions: { filter: string; first: string; after: string }) {
  @ArgsType()
  abstract class ForwardListArgs {
    @Field(() => Filter, { nullable: true, description: descriptions.filter }) filter?: F | null;
    @Field(() => Int, { defaultValue: 50, description: descriptions.first }) first!: number;
    @Field(() => String, { nullable: true, description: descriptions.after }) after?: string | null;
  }
  return ForwardListArgs;
}

/**
 * The arguments of a filtered Relay list paged both ways (`filter`, `first` defaulting to 50, `after`, `last`,
 * `before`), with the descriptions given; {@link forwardPageSize} says what `first` means once a client pages back.
 * Name them by extending: `@ArgsType() class WarningListArgs extends RelayListArgsOf(WarningFilter, {…}) {}`.
 */
export function RelayListArgsOf<F extends object>(
  Filter: ClassType<F>,
  descriptions: { filter: string; first: string; after: string; last: string; before: string },
) {
  @ArgsType()
  abstract class RelayListArgs {
    @Field(() => Filter, { nullable: true, description: descriptions.filter }) filter?: F | null;
    @Field(() => Int, { nullable: true, defaultValue: 50, description: descriptions.first }) first?: number | null;
    @Field(() => String, { nullable: true, description: descriptions.after }) after?: string | null;
    @Field(() => Int, { nullable: true, description: descriptions.last }) last?: number | null;
    @Field(() => String, { nullable: true, description: descriptions.before }) before?: string | null;
  }
  return RelayListArgs;
}

/**
 * The forward page size of Relay list arguments: `first`, or null when the client pages back — with `last`, or with
 * `before` while `first` is at its default (50, as the interface has always said) and there is no `after`.
 */
export function forwardPageSize(args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null }): number | null {
  return args.last != null || (args.before != null && args.first === 50 && args.after == null) ? null : (args.first ?? null);
}
