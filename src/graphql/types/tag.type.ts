import { ArgsType, Field, InputType, ObjectType } from 'type-graphql';
import { TAG_CATEGORY_INFO, TagCategoryCode } from '../../domain/vocabulary';
import { DateTimeScalar } from '../scalars';
import { describedEnum } from './enums';
import { Node } from './node.type';

/** The tag categories of the catalogue (domain.md §4), plus LOCAL for the local tags of a city or county. */
export const TagCategory = describedEnum('TagCategory', 'Category of a tag (标签类别)', TAG_CATEGORY_INFO);
export type TagCategory = TagCategoryCode;

/** How an enterprise came to carry a tag. */
export const TagSourceKind = describedEnum('TagSourceKind', 'CATALOGUE for a tag listed by Query.tags; DERIVED or MANUAL for a tag an enterprise carries', {
  CATALOGUE: '标签目录 catalogue: the tag as listed by Query.tags, not as carried by an enterprise',
  DERIVED: '自动生成 derived: carried because a rule derived it from the enterprise’s records',
  MANUAL: '人工标注 manual: attached by a bureau with attachTag, with a reason',
});
export type TagSourceKind = keyof typeof TagSourceKind;

/** A tag: in the catalogue (`Query.tags`) or as carried by an enterprise (`Enterprise.tags`). */
// simpleResolvers: property fields use graphql's default resolver instead of a type-graphql wrapper per field and row
// (these fields have no middleware or @Authorized; @FieldResolver fields keep theirs).
@ObjectType({ description: 'A tag (标签). Searches accept its code or its Chinese label.', simpleResolvers: true, implements: Node })
export class Tag {
  id!: number;

  @Field({ description: 'Stable code CATEGORY/slug, e.g. CREDIT/yellow; local tags LOCAL/<division>-<slug>' }) code!: string;
  @Field(() => TagCategory, { description: 'Category (标签类别), e.g. CREDIT 信用评价等级 (credit rating); LOCAL for a local tag' }) category!: TagCategory;
  @Field({ description: 'Chinese label, e.g. 黄标' }) label!: string;
  @Field({ description: 'English label, e.g. Yellow' }) labelEn!: string;

  @Field({ description: 'Where the tag comes from: the derivation rule, or who attached it, when and why (catalogue: what it is derived from)' })
  source!: string;

  @Field(() => TagSourceKind, { description: 'CATALOGUE in Query.tags; DERIVED (from records) or MANUAL (attached by a bureau) on an enterprise' })
  sourceKind!: TagSourceKind;

  @Field(() => String, { nullable: true, description: 'The city or county owning a LOCAL tag' }) divisionCode!: string | null;
  @Field(() => String, { nullable: true, description: 'Manual tags: who attached it' }) attachedBy!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Manual tags: when' }) attachedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Manual tags: why' }) reason!: string | null;
}

/** The arguments of attachTag and detachTag: which enterprise, which tag, and why. */
@ArgsType()
export class TagChangeArgs {
  @Field({ description: 'Unified social credit code (统一社会信用代码, 18 characters) of the enterprise' }) creditCode!: string;
  @Field({ description: 'The tag: its code (CREDIT/yellow), its Chinese label (黄标) or its global id (Tag.id)' }) tag!: string;
  @Field({ description: 'Why (理由); kept with the attachment and in the audit log' }) reason!: string;
}

/** Tag conditions of an enterprise filter; all given lists must hold. */
@InputType({ description: 'Tag conditions: codes ("CREDIT/yellow") or Chinese labels ("黄标"); an unknown tag is an error naming it' })
export class TagFilter {
  @Field(() => [String], { nullable: true, description: 'The enterprise carries every one of these tags' }) all?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'The enterprise carries at least one of these tags' }) any?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'The enterprise carries none of these tags' }) none?: string[] | null;
}

/** One manual change of an enterprise's tags, from the audit. */
@ObjectType({ description: "A manual change of an enterprise's tags: who, when, why" })
export class TagChange {
  @Field(() => DateTimeScalar, { description: 'When the change was made' }) at!: Date;
  @Field({ description: 'Code of the tag attached or detached, e.g. CREDIT/yellow' }) tagCode!: string;
  @Field({ description: 'ATTACH or DETACH' }) action!: string;
  @Field({ description: 'Name of the API key that made the change' }) actor!: string;
  @Field(() => String, { nullable: true, description: 'Role of the key that made the change: BUREAU, PARTNER, STEWARD or ADMIN' }) actorRole!: string | null;
  @Field(() => String, { nullable: true, description: 'Division the actor acted for' }) actorDivision!: string | null;
  @Field(() => String, { nullable: true, description: 'The reason (理由) given with attachTag or detachTag' }) reason!: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the enterprise carried the tag just before the change' }) wasPresent!: boolean | null;
}
