import { ArgsType, Field, InputType, Int, ObjectType } from 'type-graphql';
import { ConnectionOf, EdgeOf, RelayListArgsOf } from './connection.type';
import { Enterprise } from './enterprise.type';
import { EnterpriseOrder, RiskLevel } from './enums';
import { TagFilter } from './tag.type';

export { PageInfo } from './connection.type';

// simpleResolvers: property fields use graphql's default resolver instead of a type-graphql wrapper per field and row
// (these fields have no middleware or @Authorized; @FieldResolver fields keep theirs).
@ObjectType({ description: 'An enterprise (企业) in a page of a result, with its cursor (Relay edge)', simpleResolvers: true })
export class EnterpriseEdge extends EdgeOf(Enterprise, {
  cursor: 'Opaque cursor; pass it as `after` to continue after this row, or as `before` to page back from it',
  node: 'The enterprise of this row',
}) {}

@ObjectType({ description: 'A page of enterprises', simpleResolvers: true })
export class EnterpriseConnection extends ConnectionOf(EnterpriseEdge, {
  edges: 'The rows of this page in the requested order, each with its cursor',
  pageInfo: 'Where this page lies in the result: cursors and whether more rows follow or precede',
}) {
  /** Counts the matching enterprises; only run when a client asks for `totalCount`. */
  count!: () => Promise<number>;
}

@InputType({ description: 'Conditions on enterprises; all given conditions must hold' })
export class EnterpriseFilter {
  @Field(() => String, { nullable: true, description: 'Province, city or county code: the whole subtree' }) divisionCode?: string | null;

  @Field(() => [RiskLevel], { nullable: true, description: 'Any of these risk levels (风险等级); null or absent: every level' })
  riskLevels?: RiskLevel[] | null;

  @Field(() => Int, { nullable: true, description: 'Lowest current health score included (inclusive; scores can be negative)' }) scoreMin?: number | null;

  @Field(() => Int, { nullable: true, description: 'Highest current health score included (inclusive; at most full marks, 100 in SD-2021)' })
  scoreMax?: number | null;

  @Field(() => String, { nullable: true, description: 'Substring of the Chinese name' }) nameContains?: string | null;
  @Field(() => String, { nullable: true, description: 'Industry code prefix (GB/T 4754), e.g. C26' }) industryCode?: string | null;

  @Field(() => TagFilter, { nullable: true, description: 'Tags all/any/none by code or Chinese label, e.g. {all: ["黄标", "固废危废"]}' })
  tags?: TagFilter | null;
}

/** The arguments of `enterprises`: the filter, the order and the Relay page. */
@ArgsType()
export class EnterpriseListArgs extends RelayListArgsOf(EnterpriseFilter, {
  filter: 'Conditions that must all hold; absent: every enterprise of your jurisdiction',
  first: 'Rows after `after`; at most 500. Ignored when `last` is given (the default 50 then does not apply)',
  after: 'Cursor of a row of this result: continue after it',
  last: "Rows before `before` (or the result's last rows); at most 500",
  before: 'Cursor of a row of this result: page back from it',
}) {
  @Field(() => EnterpriseOrder, {
    defaultValue: EnterpriseOrder.SCORE_ASC,
    description: 'Order of the result (default lowest score, riskiest, first); ties by credit code',
  })
  orderBy?: EnterpriseOrder;
}
