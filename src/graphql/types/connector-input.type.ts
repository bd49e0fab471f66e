import { Field, InputType, Int, registerEnumType } from 'type-graphql';

/** How a declarative source pages its answers. */
export enum PaginationType {
  NONE = 'none',
  PAGE = 'page',
  CURSOR = 'cursor',
}
registerEnumType(PaginationType, {
  name: 'PaginationType',
  description: 'How a declarative connector pages its source (分页方式): none, page numbers or an opaque next cursor',
  valuesConfig: {
    NONE: { description: 'No paging: one request returns every item' },
    PAGE: { description: 'Page numbers (页码): each request names the number of the page it reads' },
    CURSOR: { description: 'Cursor (游标): each response names the cursor of the next request' },
  },
});

/** A name/value pair (fixed query parameters). */
@InputType({ description: 'A name and a value, e.g. a fixed query parameter of a source request' })
export class NameValueInput {
  @Field({ description: 'The name, e.g. a query parameter name' }) name!: string;
  @Field({ description: 'Its value' }) value!: string;
}

/** One source value and the unified value it becomes (e.g. 黄标 → yellow). */
@InputType({ description: 'One source value and the unified value it becomes (值映射 value map entry, e.g. 黄标 → yellow)' })
export class ValueMapEntryInput {
  @Field({ description: 'The value as the source system sends it, e.g. 黄标' }) from!: string;
  @Field({ description: 'The unified value stored for it, e.g. yellow' }) to!: string;
}

/** One unified field filled from a source field. */
@InputType({ description: 'Maps a source field (dotted path) onto a unified field, optionally through a value map' })
export class FieldMappingInput {
  @Field({ description: 'Unified field, e.g. creditCode, level, ratedOn, updatedAt' }) target!: string;
  @Field({ description: 'Dotted path into the source record, e.g. uscc' }) source!: string;
  @Field(() => [ValueMapEntryInput], { nullable: true, description: 'Source values and the unified values they become; values not listed pass unchanged' })
  valueMap?: ValueMapEntryInput[];
}

/** Pagination of a declarative source. */
@InputType({ description: 'How a declarative source pages its items (分页): the kind and its parameters' })
export class PaginationInput {
  @Field(() => PaginationType, { description: 'The kind of paging: NONE, PAGE or CURSOR' }) type!: PaginationType;
  @Field({ nullable: true, description: 'page: page number parameter (default page)' }) pageParam?: string;
  @Field({ nullable: true, description: 'page/cursor: page size parameter (page default pageSize)' }) sizeParam?: string;
  @Field(() => Int, { nullable: true, description: 'page/cursor: page size (default 100)' }) size?: number;
  @Field(() => Int, { nullable: true, description: 'page: first page number, 0 or 1 (default 1)' }) firstPage?: number;
  @Field({ nullable: true, description: 'cursor: parameter the cursor is sent as (default cursor)' }) cursorParam?: string;
  @Field({ nullable: true, description: 'cursor: dotted path of the next cursor in the body' }) nextCursorPath?: string;
  @Field({ nullable: true, description: 'cursor: dotted path of a has-more flag in the body' }) hasMorePath?: string;
}

/** Incremental sync of a declarative source. */
@InputType({ description: 'Incremental sync (增量同步) of a declarative source: only records changed since the last run are asked for' })
export class IncrementalInput {
  @Field({ description: 'Record field holding the change time, e.g. updatedAt' }) field!: string;
  @Field({ description: 'Request parameter the last value is sent as, e.g. updatedAfter' }) param!: string;
}

/** A request header; a secret one is stored apart and never logged or returned. */
@InputType({ description: 'A request header of a declarative source; a secret one is stored apart and never logged or returned' })
export class HeaderInput {
  @Field({ description: 'Header name, e.g. X-Api-Key' }) name!: string;
  @Field({ description: 'Header value' }) value!: string;
  @Field({ nullable: true, defaultValue: false, description: 'Whether the value is a secret (密钥): stored apart, never logged or returned' }) secret?: boolean;
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
  @Field({ description: 'Human-readable name, e.g. 环境信用评价 credit evaluation system' }) title!: string;
  @Field({ nullable: true, description: 'Who runs the source system, e.g. the credit department' }) owner?: string;
  @Field({ nullable: true, description: 'Base URL; default HUB_SOURCES_URL' }) baseUrl?: string;
  @Field({ description: 'Path of the list endpoint, e.g. /credit/ratings' }) path!: string;
  @Field(() => [NameValueInput], { nullable: true, description: 'Fixed query parameters' }) query?: NameValueInput[];
  @Field({ nullable: true, description: 'Dotted path of the records array in the body; empty for a bare array' }) itemsPath?: string;
  @Field(() => PaginationInput, { nullable: true, description: 'How the source pages; default no paging' }) pagination?: PaginationInput;
  @Field(() => IncrementalInput, { nullable: true, description: 'Incremental sync; absent: every run reads everything' }) incremental?: IncrementalInput;
  @Field({ description: 'Unified kind: rating, enforcement, penalty or monitoring' }) recordKind!: string;
  @Field(() => [FieldMappingInput], { description: 'How source fields fill the unified fields of recordKind (e.g. creditCode, level, ratedOn for rating)' })
  fields!: FieldMappingInput[];
  @Field(() => [HeaderInput], { nullable: true, description: 'Request headers, e.g. an API key marked secret' }) headers?: HeaderInput[];
  @Field({ nullable: true, description: 'Cron schedule, China time' }) schedule?: string;
  @Field({ nullable: true, description: 'Whether schedules and hub sync run it (default true)' }) enabled?: boolean;
}
