import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { HubContext } from '../context';
import { Division } from '../types/division.type';

/** The division tree. */
@Resolver(() => Division)
export class DivisionResolver {
  @Query(() => [Division], { description: 'Children of a division; without parentCode, the province' })
  divisions(
    @Ctx() ctx: HubContext,
    @Arg('parentCode', () => String, {
      nullable: true,
      description: 'Six-digit code of the parent (370000 the province gives its cities, 370100 Jinan its counties); an unknown code is an error',
    })
    parentCode?: string | null,
  ) {
    if (parentCode) ctx.services.divisions.require(parentCode, 'parentCode');
    return ctx.services.divisions.children(parentCode ?? null);
  }

  @FieldResolver(() => Division, { nullable: true, description: 'The enclosing division (county → city → province); null for the province' })
  parent(@Root() d: Division, @Ctx() ctx: HubContext) {
    return d.parentCode ? ctx.loaders.division.load(d.parentCode) : null;
  }
}
