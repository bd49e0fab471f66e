import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { WarningType } from '../../domain/vocabulary';
import { WarningTypeEnum } from './warning.type';
import { WebhookAttemptRow, WebhookDeliveryRow, WebhookRow } from '../../webhooks/webhook.types';
import { DateTimeScalar } from '../scalars';

@ObjectType({ description: 'One HTTP attempt of a webhook delivery' })
export class WebhookAttempt implements WebhookAttemptRow {
  deliveryId!: string;

  @Field(() => Int)
  attempt!: number;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => Int, { nullable: true, description: 'HTTP status answered, null when there was no answer' })
  statusCode!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Int)
  durationMs!: number;
}

@ObjectType({ description: 'One event sent (or being sent) to a webhook, with its retries' })
export class WebhookDelivery implements WebhookDeliveryRow {
  @Field(() => ID, { description: 'Also sent as the X-Hub-Delivery header, the same on every retry' })
  id!: string;

  webhookId!: string;

  @Field(() => ID)
  warningId!: string;

  @Field()
  event!: string;

  @Field(() => String, { description: 'PENDING, DELIVERED or FAILED' })
  status!: WebhookDeliveryRow['status'];

  @Field(() => Int)
  attempts!: number;

  @Field(() => DateTimeScalar)
  nextAttemptAt!: Date;

  @Field(() => Int, { nullable: true })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt!: Date | null;
}

@ObjectType({
  description:
    'A receiver of new warnings of a division. The hub POSTs JSON with header X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with your secret>. The secret is never shown.',
})
export class Webhook implements WebhookRow {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Division whose warnings it receives (whole subtree)' })
  divisionCode!: string;

  @Field()
  url!: string;

  @Field(() => [WarningTypeEnum], { nullable: true, description: 'Warning types sent (null: all)' })
  types!: WarningType[] | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field()
  enabled!: boolean;

  @Field(() => DateTimeScalar, { nullable: true })
  disabledAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the hub disabled it (repeated failures)' })
  disabledReason!: string | null;

  @Field(() => Int)
  consecutiveFailures!: number;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field()
  createdBy!: string;
}

@InputType({ description: 'A webhook to register' })
export class WebhookInput {
  @Field({ description: 'Division whose warnings it receives; inside your jurisdiction' })
  divisionCode!: string;

  @Field({ description: 'http(s) URL the hub POSTs to' })
  url!: string;

  @Field({ description: 'Shared secret for the signature (16-200 characters); write-only' })
  secret!: string;

  @Field(() => [WarningTypeEnum], { nullable: true, description: 'Warning types to send (default all)' })
  types?: WarningType[] | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}
