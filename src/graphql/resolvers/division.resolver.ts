import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { HubContext } from '../context';
import { Division } from '../types/division.type';

/** The division tree. */
@Resolver(() => Division)
export class DivisionResolver {
  @Query(() => [Division], { description: 'Children of a division; without parentCode, the province' })
  divisions(@Ctx() ctx: HubContext, @Arg('parentCode', () => String, { nullable: true }) parentCode?: string | null) {
    if (parentCode) ctx.services.divisions.require(parentCode, 'parentCode');
    return ctx.services.divisions.children(parentCode ?? null);
  }

  @FieldResolver(() => Division, { nullable: true })
  parent(@Root() d: Division, @Ctx() ctx: HubContext) {
    return d.parentCode ? ctx.loaders.division.load(d.parentCode) : null;
  }
}
