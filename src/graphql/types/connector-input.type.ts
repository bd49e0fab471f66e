import { Field, InputType, Int, registerEnumType } from 'type-graphql';

/** How a declarative source pages its answers. */
export enum PaginationType {
  NONE = 'none',
  PAGE = 'page',
  CURSOR = 'cursor',
}
registerEnumType(PaginationType, { name: 'PaginationType', description: 'none: one request; page: page numbers; cursor: an opaque next cursor' });

/** A name/value pair (fixed query parameters). */
@InputType()
export class NameValueInput {
  @Field() name!: string;
  @Field() value!: string;
}

/** One source value and the unified value it becomes (e.g. 黄标 → yellow). */
@InputType()
export class ValueMapEntryInput {
  @Field() from!: string;
  @Field() to!: string;
}

/** One unified field filled from a source field. */
@InputType({ description: 'Maps a source field (dotted path) onto a unified field, optionally through a value map' })
export class FieldMappingInput {
  @Field({ description: 'Unified field, e.g. creditCode, level, ratedOn, updatedAt' }) target!: string;
  @Field({ description: 'Dotted path into the source record, e.g. uscc' }) source!: string;
  @Field(() => [ValueMapEntryInput], { nullable: true }) valueMap?: ValueMapEntryInput[];
}

/** Pagination of a declarative source. */
@InputType()
export class PaginationInput {
  @Field(() => PaginationType) type!: PaginationType;
  @Field({ nullable: true, description: 'page: page number parameter (default page)' }) pageParam?: string;
  @Field({ nullable: true, description: 'page/cursor: page size parameter (page default pageSize)' }) sizeParam?: string;
  @Field(() => Int, { nullable: true, description: 'page/cursor: page size (default 100)' }) size?: number;
  @Field(() => Int, { nullable: true, description: 'page: first page number, 0 or 1 (default 1)' }) firstPage?: number;
  @Field({ nullable: true, description: 'cursor: parameter the cursor is sent as (default cursor)' }) cursorParam?: string;
  @Field({ nullable: true, description: 'cursor: dotted path of the next cursor in the body' }) nextCursorPath?: string;
  @Field({ nullable: true, description: 'cursor: dotted path of a has-more flag in the body' }) hasMorePath?: string;
}

/** Incremental sync of a declarative source. */
@InputType()
export class IncrementalInput {
  @Field({ description: 'Record field holding the change time, e.g. updatedAt' }) field!: string;
  @Field({ description: 'Request parameter the last value is sent as, e.g. updatedAfter' }) param!: string;
}

/** A request header; a secret one is stored apart and never logged or returned. */
@InputType()
export class HeaderInput {
  @Field() name!: string;
  @Field() value!: string;
  @Field({ nullable: true, defaultValue: false }) secret?: boolean;
}

/**
 * A source system described without code: where its records are, how it
 * pages, its incremental cursor, and how its fields map onto a unified kind.
 * The same shape (value maps may also be plain objects) is what
 * `hub connectors register FILE` reads.
 */
@InputType({ description: 'A source system described without code (see connectors/credit-rating.declarative.json)' })
export class DeclarativeConnectorInput {
  @Field({ description: 'kebab-case id, e.g. credit-rating' }) id!: string;
  @Field() title!: string;
  @Field({ nullable: true }) owner?: string;
  @Field({ nullable: true, description: 'Base URL; default HUB_SOURCES_URL' }) baseUrl?: string;
  @Field({ description: 'Path of the list endpoint, e.g. /credit/ratings' }) path!: string;
  @Field(() => [NameValueInput], { nullable: true, description: 'Fixed query parameters' }) query?: NameValueInput[];
  @Field({ nullable: true, description: 'Dotted path of the records array in the body; empty for a bare array' }) itemsPath?: string;
  @Field(() => PaginationInput, { nullable: true }) pagination?: PaginationInput;
  @Field(() => IncrementalInput, { nullable: true }) incremental?: IncrementalInput;
  @Field({ description: 'Unified kind: rating, enforcement, penalty or monitoring' }) recordKind!: string;
  @Field(() => [FieldMappingInput]) fields!: FieldMappingInput[];
  @Field(() => [HeaderInput], { nullable: true }) headers?: HeaderInput[];
  @Field({ nullable: true, description: 'Cron schedule, China time' }) schedule?: string;
  @Field({ nullable: true }) enabled?: boolean;
}
