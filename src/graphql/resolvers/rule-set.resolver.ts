import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { HubContext } from '../context';
import { RuleSet, RuleSetPreview } from '../types/rule-set.type';
import { previewView, ruleSetView } from '../views';
import { ClientError } from '../../domain/client-error';
import { ProvinceWide } from '../auth-checker';

/** Rule sets: the active one, every loaded version, and what-if previews of a candidate. */
@Resolver(() => RuleSet)
export class RuleSetResolver {
  @Query(() => RuleSet, { description: 'The active rule set' })
  async ruleSet(@Ctx() ctx: HubContext) {
    return ruleSetView(await ctx.services.scoring.ruleSets.active());
  }

  @Query(() => [RuleSet], { description: 'Every loaded rule-set version, oldest first' })
  async ruleSets(@Ctx() ctx: HubContext) {
    return (await ctx.services.scoring.ruleSets.list()).map(ruleSetView);
  }

  @Query(() => RuleSetPreview, {
    description:
      'What activating a loaded rule-set version would change in your jurisdiction (how many enterprises change risk level, and which); changes nothing',
  })
  async ruleSetPreview(
    @Ctx() ctx: HubContext,
    @Arg('version', { description: 'A loaded rule-set version (see ruleSets), e.g. a candidate loaded with loadRuleSet' }) version: string,
    @Arg('first', () => Int, { defaultValue: 50, description: 'How many changed enterprises to list in changes (default 50, at most 1000)' }) first: number,
  ) {
    return previewView(await ctx.services.scoring.reports.preview(version, ctx.scope, first));
  }

  @ProvinceWide('ADMIN')
  @Mutation(() => RuleSet, {
    description: 'Loads a new rule-set version (JSON in the format of src/scoring/rule-sets/SD-2021.json), not yet active; ADMIN with a province-level key',
  })
  async loadRuleSet(@Ctx() ctx: HubContext, @Arg('definition', { description: 'The rule set as a JSON document' }) definition: string) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(definition);
    } catch (e) {
      throw new RuleSetDefinitionSyntaxError(`definition is not valid JSON: ${(e as Error).message}`, { argument: 'definition' });
    }
    return ruleSetView(await ctx.services.scoring.ruleSets.load(parsed));
  }

  @ProvinceWide('ADMIN')
  @Mutation(() => RuleSet, {
    description: 'Activates a loaded rule-set version and rescores every enterprise under it (history notes the activation); ADMIN with a province-level key',
  })
  async activateRuleSet(@Ctx() ctx: HubContext, @Arg('version', { description: 'A loaded rule-set version, e.g. SD-2021' }) version: string) {
    await ctx.services.scoring.scores.activateRuleSet(version);
    return ruleSetView(await ctx.services.scoring.ruleSets.get(version));
  }
}

/** A rule-set document that is not JSON at all. */
export class RuleSetDefinitionSyntaxError extends ClientError {}
