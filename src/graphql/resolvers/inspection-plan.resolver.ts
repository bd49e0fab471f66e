import { JSONObjectResolver } from 'graphql-scalars';
import { GraphQLError } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { InspectionPlanItemRow, InspectionPlanRow, StoredInspectionPolicy } from '../../supervision/inspection-plan.service';
import { bigintId } from '../../domain/client-error';
import { HubContext } from '../context';
import { enterpriseInScope } from './scoped-lists';
import { Enterprise } from '../types/enterprise.type';
import {
  DrawInspectionPlanInput,
  InspectionPlan,
  InspectionPlanItem,
  InspectionPlanItemConnection,
  InspectionPolicyView,
  PlanInspector,
} from '../types/inspection-plan.type';

/** Policies are the province's: only a province-wide ADMIN loads or activates them. */
function requireProvince(ctx: HubContext): void {
  if (ctx.scope.level !== 'PROVINCE')
    throw new GraphQLError('inspection policies are loaded and activated by a province ADMIN', { extensions: { code: 'FORBIDDEN' } });
}

const planView = (p: InspectionPlanRow): InspectionPlan => p as unknown as InspectionPlan;
const itemView = (r: InspectionPlanItemRow): InspectionPlanItem => ({
  position: r.position,
  creditCode: r.creditCode,
  inspectorIds: r.inspectorIds,
  class: r.classCode,
  status: r.status,
  inspection: r.inspectionRecordId ? { recordId: r.inspectionRecordId, date: r.inspectionDate!, finding: r.inspectionFinding } : null,
});
const policyView = (p: StoredInspectionPolicy): InspectionPolicyView => ({ version: p.version, title: p.title, active: p.active, definition: p.definition });

/** Random-inspection plans and policies: thin calls into the supervision service. */
@Resolver(() => InspectionPlan)
export class InspectionPlanResolver {
  @Authorized('BUREAU')
  @Query(() => [InspectionPlan], { description: 'Plans inside your jurisdiction or covering it, newest quarter first' })
  async inspectionPlans(
    @Ctx() ctx: HubContext,
    @Arg('divisionCode', () => String, { nullable: true, description: 'Only plans of this division (six-digit code); default every plan you can see' })
    divisionCode?: string | null,
    @Arg('quarter', () => String, { nullable: true, description: 'Only plans of this quarter, e.g. 2026Q4' }) quarter?: string | null,
  ) {
    return (await ctx.services.inspectionPlans.plans(ctx.scope, { divisionCode, quarter })).map(planView);
  }

  @Authorized('BUREAU')
  @Query(() => InspectionPlan, { nullable: true, description: 'One plan (null when absent or outside your jurisdiction)' })
  async inspectionPlan(@Ctx() ctx: HubContext, @Arg('id', () => ID, { description: 'The plan id (InspectionPlan.id)' }) id: string) {
    const p = await ctx.services.inspectionPlans.plan(bigintId(id, 'id'), ctx.scope);
    return p ? planView(p) : null;
  }

  @Authorized('BUREAU')
  @Mutation(() => InspectionPlan, {
    description: 'Draws the quarter’s random-inspection plan for a division under the active policy (BUREAU of that division or above); immutable once drawn',
  })
  async drawInspectionPlan(
    @Ctx() ctx: HubContext,
    @Arg('input', () => DrawInspectionPlanInput, { description: 'Quarter, division, published seed and the plan corrected, if any' })
    input: DrawInspectionPlanInput,
  ) {
    return planView(
      await ctx.services.inspectionPlans.draw(
        { ...input, replaces: input.replaces ? bigintId(input.replaces, 'input.replaces') : null },
        ctx.scope,
        ctx.caller.name ?? null,
      ),
    );
  }

  @FieldResolver(() => InspectionPlanItemConnection, { description: 'The drawn enterprises inside your jurisdiction, by position' })
  async items(
    @Root() plan: InspectionPlan,
    @Ctx() ctx: HubContext,
    @Arg('first', () => Int, { defaultValue: 50, description: 'Items in the page (default 50, 0–500)' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page: continue after it' }) after?: string | null,
  ) {
    if (first < 0 || first > 500) throw new GraphQLError('first must be between 0 and 500', { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
    const pos = after
      ? Number(
          Buffer.from(after, 'base64url')
            .toString('utf8')
            .replace(/^item:/, ''),
        )
      : null;
    if (pos !== null && !Number.isInteger(pos))
      throw new GraphQLError('after is not a cursor of this connection', { extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
    const page = await ctx.services.inspectionPlans.items(plan.id, ctx.scope, first, pos);
    const edges = page.rows.map((r) => ({ cursor: Buffer.from(`item:${r.position}`).toString('base64url'), node: itemView(r) }));
    return { totalCount: page.totalCount, edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null } };
  }

  @Authorized('BUREAU')
  @Query(() => [InspectionPolicyView], { description: 'Every loaded random-inspection policy version' })
  async inspectionPolicies(@Ctx() ctx: HubContext) {
    return (await ctx.services.inspectionPlans.listPolicies()).map(policyView);
  }

  @Authorized('BUREAU')
  @Query(() => [JSONObjectResolver], {
    description:
      'What a draw under a policy version would take this quarter in a division, per county and class (eligible, target, drawn within capacity); changes nothing',
  })
  async inspectionPolicyPreview(
    @Ctx() ctx: HubContext,
    @Arg('version', { description: 'A loaded policy version, e.g. SD-INSPECT-2021' }) version: string,
    @Arg('divisionCode', { description: 'Six-digit code of a division inside your jurisdiction' }) divisionCode: string,
    @Arg('quarter', { description: 'Quarter, e.g. 2026Q4' }) quarter: string,
  ) {
    return ctx.services.inspectionPlans.previewPolicy(version, divisionCode, quarter, ctx.scope);
  }

  @Authorized('ADMIN')
  @Mutation(() => InspectionPolicyView, {
    description: 'Loads a new random-inspection policy version (JSON like src/supervision/policies/SD-INSPECT-2021.json), not yet active; province ADMIN',
  })
  async loadInspectionPolicy(@Ctx() ctx: HubContext, @Arg('definition', { description: 'The policy as a JSON document' }) definition: string) {
    requireProvince(ctx);
    let parsed: unknown;
    try {
      parsed = JSON.parse(definition);
    } catch (e) {
      throw new GraphQLError(`definition is not valid JSON: ${(e as Error).message}`, { extensions: { code: 'BAD_USER_INPUT', argument: 'definition' } });
    }
    return policyView(await ctx.services.inspectionPlans.loadPolicy(parsed));
  }

  @Authorized('ADMIN')
  @Mutation(() => InspectionPolicyView, { description: 'Makes a loaded policy version the one new draws use; province ADMIN' })
  async activateInspectionPolicy(@Ctx() ctx: HubContext, @Arg('version', { description: 'A loaded policy version, e.g. SD-INSPECT-2021' }) version: string) {
    requireProvince(ctx);
    return policyView(await ctx.services.inspectionPlans.activatePolicy(version));
  }
}

/** Nested fields of a plan item: its enterprise and inspectors. */
@Resolver(() => InspectionPlanItem)
export class InspectionPlanItemResolver {
  @FieldResolver(() => Enterprise, { description: 'The drawn enterprise (inside your jurisdiction)' })
  enterprise(@Root() item: InspectionPlanItem, @Ctx() ctx: HubContext) {
    return enterpriseInScope(ctx, item.creditCode);
  }

  @FieldResolver(() => [PlanInspector], { description: 'The two inspectors drawn (empty when the county could not staff it)' })
  async inspectors(@Root() item: InspectionPlanItem, @Ctx() ctx: HubContext) {
    const names = await Promise.all(item.inspectorIds.map((id) => ctx.loaders.inspectorName.load(id)));
    return item.inspectorIds.map((id, i) => ({ id, name: names[i] }));
  }
}
