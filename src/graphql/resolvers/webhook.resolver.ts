import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { HubContext } from '../context';
import { Webhook, WebhookAttempt, WebhookDelivery, WebhookInput } from '../types/webhook.type';

/** Webhooks per division: registration and administration (BUREAU or ADMIN), delivery log. */
@Resolver(() => Webhook)
export class WebhookResolver {
  @Authorized('BUREAU')
  @Query(() => [Webhook], { description: 'Webhooks of divisions inside your jurisdiction (BUREAU)' })
  webhooks(@Ctx() ctx: HubContext) {
    return ctx.services.warnings.webhooks.list(ctx.scope);
  }

  @Authorized('BUREAU')
  @Mutation(() => Webhook, {
    description: 'Register a webhook for new warnings of a division inside your jurisdiction (BUREAU); the secret is never shown again',
  })
  registerWebhook(@Ctx() ctx: HubContext, @Arg('input', () => WebhookInput, { description: 'Division, URL, secret and warning types' }) input: WebhookInput) {
    return ctx.services.warnings.webhooks.register(ctx.caller, input);
  }

  @Authorized('BUREAU')
  @Mutation(() => Webhook, { description: 'Re-enable a webhook the hub disabled after repeated failures (BUREAU)' })
  enableWebhook(@Ctx() ctx: HubContext, @Arg('id', () => ID, { description: 'The webhook (Webhook.id)' }) id: string) {
    return ctx.services.warnings.webhooks.enable(ctx.scope, id);
  }

  @Authorized('BUREAU')
  @Mutation(() => Boolean, { description: 'Remove a webhook and its delivery log (BUREAU)' })
  removeWebhook(@Ctx() ctx: HubContext, @Arg('id', () => ID, { description: 'The webhook (Webhook.id)' }) id: string) {
    return ctx.services.warnings.webhooks.remove(ctx.scope, id);
  }

  @FieldResolver(() => [WebhookDelivery], { description: 'The latest deliveries, newest first' })
  deliveries(
    @Root() w: Webhook,
    @Ctx() ctx: HubContext,
    @Arg('last', () => Int, { defaultValue: 20, description: 'How many of the latest deliveries (default 20, 1–200)' }) last: number,
  ) {
    const n = Math.max(1, Math.min(last, 200));
    return ctx.loaders.webhookDeliveries.of(n).load(w.id);
  }
}

/** The delivery log: attempts of a delivery. */
@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => [WebhookAttempt], { description: 'Every HTTP attempt, oldest first' })
  attemptLog(@Root() d: WebhookDelivery, @Ctx() ctx: HubContext) {
    return ctx.loaders.webhookAttempts.load(d.id);
  }
}
