import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { WarningType } from '../../domain/vocabulary';
import { WarningTypeEnum } from './warning.type';
import { WebhookAttemptRow, WebhookDeliveryRow, WebhookRow } from '../../webhooks/webhook.types';
import { DateTimeScalar } from '../scalars';

@ObjectType({ description: 'One HTTP attempt of a webhook delivery' })
export class WebhookAttempt implements WebhookAttemptRow {
  deliveryId!: string;

  @Field(() => Int, { description: 'Attempt number, 1 for the first try' }) attempt!: number;
  @Field(() => DateTimeScalar, { description: 'When the attempt was made' }) at!: Date;
  @Field(() => Int, { nullable: true, description: 'HTTP status answered, null when there was no answer' }) statusCode!: number | null;
  @Field(() => String, { nullable: true, description: 'Network error or why the answer counted as a failure; null when it succeeded' }) error!: string | null;
  @Field(() => Int, { description: 'Duration of the attempt in milliseconds' }) durationMs!: number;
}

@ObjectType({ description: 'One event sent (or being sent) to a webhook, with its retries' })
export class WebhookDelivery implements WebhookDeliveryRow {
  @Field(() => ID, { description: 'Also sent as the X-Hub-Delivery header, the same on every retry' }) id!: string;

  webhookId!: string;

  @Field(() => ID, { description: 'Number of the warning (Warning.warningId) the event is about' }) warningId!: string;
  @Field({ description: 'Event name, also in the body: warning.raised (this log lists the deliveries of warnings)' }) event!: string;
  @Field(() => String, { description: 'PENDING, DELIVERED or FAILED' }) status!: WebhookDeliveryRow['status'];
  @Field(() => Int, { description: 'HTTP attempts made so far' }) attempts!: number;
  @Field(() => DateTimeScalar, { description: 'When the next retry is due (backing off); meaningless once DELIVERED or FAILED' }) nextAttemptAt!: Date;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt; null before the first or when there was no answer' })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true, description: 'Error of the last attempt; null when none' }) lastError!: string | null;
  @Field(() => DateTimeScalar, { description: 'When the event was queued for the webhook' }) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When a 2xx answer was received; null until DELIVERED' }) deliveredAt!: Date | null;
}

@ObjectType({
  description:
    'A receiver of new warnings of a division. The hub POSTs JSON with header X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with your secret>. The secret is never shown.',
})
export class Webhook implements WebhookRow {
  @Field(() => ID, { description: 'Webhook id; enableWebhook and removeWebhook take it' }) id!: string;
  @Field({ description: 'Division whose warnings it receives (whole subtree)' }) divisionCode!: string;
  @Field({ description: 'http(s) URL the hub POSTs to' }) url!: string;
  @Field(() => [WarningTypeEnum], { nullable: true, description: 'Warning types sent (null: all)' }) types!: WarningType[] | null;
  @Field(() => String, { nullable: true, description: 'Free text given at registration (what receives it); null when none' }) description!: string | null;
  @Field({ description: 'Whether events are sent; the hub disables a webhook after repeated consecutive failures' }) enabled!: boolean;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the hub disabled it; null while enabled' }) disabledAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Why the hub disabled it (repeated failures)' }) disabledReason!: string | null;
  @Field(() => Int, { description: 'Failed attempts since the last success; reaching the limit disables the webhook' }) consecutiveFailures!: number;
  @Field(() => DateTimeScalar, { description: 'When it was registered' }) createdAt!: Date;
  @Field({ description: 'Name of the API key that registered it' }) createdBy!: string;
}

@InputType({ description: 'A webhook to register' })
export class WebhookInput {
  @Field({ description: 'Division whose warnings it receives; inside your jurisdiction' }) divisionCode!: string;
  @Field({ description: 'http(s) URL the hub POSTs to' }) url!: string;
  @Field({ description: 'Shared secret for the signature (16-200 characters); write-only' }) secret!: string;
  @Field(() => [WarningTypeEnum], { nullable: true, description: 'Warning types to send (default all)' }) types?: WarningType[] | null;
  @Field(() => String, { nullable: true, description: 'Free text: what receives it (for the people who manage webhooks)' }) description?: string | null;
}
