import { EnterpriseRow } from '../../enterprises/enterprise.model';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { EnterpriseTagView, TagChangeView } from '../../tags/tag.service';
import { keyOf, toGlobalId } from '../relay/global-id';
import { HubContext } from '../context';
import { Enterprise } from '../types/enterprise.type';
import { Tag, TagCategory, TagChange, TagChangeArgs } from '../types/tag.type';
import { catalogueTag, enterpriseTags } from '../views';

/** The tag catalogue, manual tags and local tags. */
@Resolver(() => Tag)
export class TagResolver {
  @FieldResolver(() => ID, { description: 'Global, opaque id of this tag (from its code); pass it to node(id)' })
  id(@Root() t: Tag): string {
    return toGlobalId('Tag', t.code);
  }

  @Query(() => [Tag], { description: 'The tag catalogue you can see (every shipped tag, and the local tags of your division), optionally of one category' })
  async tags(
    @Ctx() ctx: HubContext,
    @Arg('category', () => TagCategory, { nullable: true, description: 'Only tags of this category (标签类别); absent: every category' })
    category?: TagCategory | null,
  ): Promise<Tag[]> {
    await ctx.services.tags.catalogue.reload();
    return ctx.services.tags.catalogue.list(ctx.scope, category).map((t) => catalogueTag(ctx.services.tags.catalogue, t));
  }

  @Authorized('BUREAU')
  @Mutation(() => Enterprise, { description: 'Attach a tag (code or Chinese label) to an enterprise in your jurisdiction, with the reason (BUREAU)' })
  async attachTag(@Ctx() ctx: HubContext, @Args(() => TagChangeArgs) { creditCode, tag, reason }: TagChangeArgs) {
    await ctx.services.tags.attach(ctx.caller, creditCode, keyOf(tag, 'Tag', 'tag'), reason, ctx.requestId);
    return ctx.services.enterprises.findOne(ctx.scope, creditCode);
  }

  @Authorized('BUREAU')
  @Mutation(() => Enterprise, { description: 'Detach a tag from an enterprise with the reason; a derived tag stays detached until re-attached (BUREAU)' })
  async detachTag(@Ctx() ctx: HubContext, @Args(() => TagChangeArgs) { creditCode, tag, reason }: TagChangeArgs) {
    await ctx.services.tags.detach(ctx.caller, creditCode, keyOf(tag, 'Tag', 'tag'), reason, ctx.requestId);
    return ctx.services.enterprises.findOne(ctx.scope, creditCode);
  }

  @Authorized('BUREAU')
  @Mutation(() => Tag, {
    description: 'Create a local tag (专属标签) of a city or county in your jurisdiction: code LOCAL/<division>-<slug>, visible only inside it (BUREAU)',
  })
  async createLocalTag(
    @Ctx() ctx: HubContext,
    @Arg('divisionCode', { description: 'Six-digit code of the owning city or county, inside your jurisdiction (not the province)' }) divisionCode: string,
    @Arg('slug', { description: 'Lower-case kebab-case (a-z, 0-9, -), at most 40 characters; the code becomes LOCAL/<division>-<slug>' }) slug: string,
    @Arg('label', { description: 'Chinese label (中文名称), 1–40 characters, unique within the division; searches accept it' }) label: string,
    @Arg('labelEn', { description: 'English label, 1–80 characters' }) labelEn: string,
  ): Promise<Tag> {
    const t = await ctx.services.tags.createLocalTag(ctx.caller, { divisionCode, slug, label, labelEn }, ctx.requestId);
    return catalogueTag(ctx.services.tags.catalogue, t);
  }
}

/** Tag fields of Enterprise, through the request's loaders. */
@Resolver(() => Enterprise)
export class EnterpriseTagResolver {
  @FieldResolver(() => [Tag], {
    description: 'Tags the enterprise carries (derived and manual; local tags only inside their division), optionally of one category',
  })
  tags(
    @Root() e: EnterpriseRow,
    @Ctx() ctx: HubContext,
    @Arg('category', () => TagCategory, { nullable: true, description: 'Only tags of this category (标签类别); absent: every category' })
    category?: TagCategory | null,
  ): Tag[] | Promise<Tag[]> {
    const of = (carried: EnterpriseTagView[]) => {
      const views = enterpriseTags(carried);
      return category ? views.filter((v) => v.category === category) : views;
    };
    // A page's prefetch answers without a promise; otherwise the loader batches the level.
    const primed = ctx.loaders.pagePrimed.tags.get(e.creditCode);
    return primed ? of(primed) : ctx.loaders.tags.load(e.creditCode).then(of);
  }

  @FieldResolver(() => [TagChange], { description: 'Manual tag changes of this enterprise (who, when, why), oldest first' })
  tagChanges(@Root() e: EnterpriseRow, @Ctx() ctx: HubContext): Promise<TagChangeView[]> {
    return ctx.loaders.tagChanges.load(e.creditCode);
  }
}
