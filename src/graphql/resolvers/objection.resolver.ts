import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { bigintId } from '../../domain/client-error';
import { publicReportUrl } from '../../report/report-data.service';
import { HubContext } from '../context';
import { Enterprise } from '../types/enterprise.type';
import {
  AnswerObjectionArgs,
  FileObjectionInput,
  Objection,
  ObjectionCode,
  ObjectionConnection,
  ObjectionEvent,
  ObjectionListArgs,
} from '../types/objection.type';
import { enterpriseInScope, scopedConnection } from './scoped-lists';

/** Objections (异议): codes, filing, the stewards' answers and the list, inside the caller's jurisdiction. */
@Resolver(() => Objection)
export class ObjectionResolver {
  @Authorized('BUREAU', 'STEWARD')
  @Query(() => ObjectionConnection, { description: 'Objections of enterprises inside your jurisdiction, newest first (BUREAU, STEWARD)' })
  objections(@Ctx() ctx: HubContext, @Args(() => ObjectionListArgs) args: ObjectionListArgs): Promise<ObjectionConnection> {
    return scopedConnection(ctx, args, (f, first, after) => ctx.services.objections.list(ctx.scope, f, first, after));
  }

  @Authorized('BUREAU', 'STEWARD')
  @Query(() => Objection, { nullable: true, description: 'One objection inside your jurisdiction' })
  objection(@Ctx() ctx: HubContext, @Arg('id', () => ID, { description: 'Number of the objection' }) id: string) {
    return ctx.loaders.objection.load(bigintId(id, 'id'));
  }

  @Authorized('BUREAU')
  @Mutation(() => ObjectionCode, {
    description: 'Issues a one-time objection code for an enterprise inside your jurisdiction, to hand over out of band; valid 30 days, one objection (BUREAU)',
  })
  async issueObjectionCode(@Ctx() ctx: HubContext, @Arg('creditCode', { description: 'Credit code of the enterprise' }) creditCode: string) {
    const c = await ctx.services.objections.issueCode(ctx.scope, creditCode, ctx.caller.name);
    return { creditCode, ...c, reportUrl: publicReportUrl(ctx.services.config.publicUrl, creditCode) };
  }

  @Authorized('BUREAU')
  @Mutation(() => Objection, {
    description:
      'Files an objection for an enterprise inside your jurisdiction against one of its current deductions; routed to the steward of its source system (BUREAU)',
  })
  async fileObjection(
    @Ctx() ctx: HubContext,
    @Arg('input', () => FileObjectionInput, { description: 'The deduction and the reason' }) input: FileObjectionInput,
  ) {
    const { reason, ...deduction } = input;
    return ctx.services.objections.fileByBureau(ctx.scope, deduction, reason, ctx.caller.name);
  }

  @Authorized('STEWARD')
  @Mutation(() => Objection, {
    description:
      'Answers an open objection (STEWARD of the source system): UPHELD (the source corrects its record; the deduction goes when the correction arrives) or REJECTED with a reason',
  })
  async answerObjection(@Ctx() ctx: HubContext, @Args(() => AnswerObjectionArgs) { id, decision, reason }: AnswerObjectionArgs) {
    return ctx.services.objections.answer(ctx.scope, bigintId(id, 'id'), decision, reason, ctx.caller.name);
  }

  @FieldResolver(() => Enterprise, { description: 'The enterprise that objects' })
  enterprise(@Root() o: Objection, @Ctx() ctx: HubContext) {
    return enterpriseInScope(ctx, o.creditCode);
  }

  @FieldResolver(() => [ObjectionEvent], { description: 'History of the objection, oldest first (the audit trail of every change)' })
  async history(@Root() o: Objection, @Ctx() ctx: HubContext) {
    return ctx.loaders.objectionEvents.load(o.id);
  }
}
