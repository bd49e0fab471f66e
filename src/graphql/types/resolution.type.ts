import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { ResolutionStatusValue } from '../../ingest/resolution-steward.service';
import { DateTimeScalar } from '../scalars';
import { ConnectionOf, EdgeOf } from './connection.type';
import { describedEnum } from './enums';

/** Where a queued record stands. */
export const ResolutionStatus = describedEnum<ResolutionStatusValue>(
  'ResolutionStatus',
  'OPEN: waits for a steward; LINKED: linked to an enterprise; REJECTED: its candidates were rejected and the record quarantined',
  {
    OPEN: '待处理 open: waits for a steward to link it or reject its candidates',
    LINKED: '已关联 linked: the record is linked to an enterprise',
    REJECTED: '已驳回 rejected: its candidates were rejected and the record quarantined',
  },
);
export type ResolutionStatus = ResolutionStatusValue;

@ObjectType({ description: "One factor of a candidate's match score: what was compared, what was found, and its weight (log-odds) in the probability" })
export class ResolutionScoreReason {
  @Field({ description: 'BASE (the prior), NAME, NAME_EXACT, NAME_ONE_EDIT, FORMER_NAME, ADDRESS, ADDRESS_EXACT, LEGAL_FORM or PLACE' }) factor!: string;
  @Field({ description: 'What was compared and found, e.g. the standardised name cores and their bigram Jaccard similarity' }) detail!: string;
  @Field(() => Float, { description: 'Log-odds this factor adds to the match probability (negative lowers it)' }) weight!: number;
}

@ObjectType({ description: 'An enterprise a queued record may name, with its match probability and why it scored as it did' })
export class ResolutionCandidate {
  @Field({ description: "The candidate enterprise's unified social credit code" }) creditCode!: string;
  @Field({ description: "The candidate's registered name" }) name!: string;
  @Field(() => Float, { description: 'Match probability (0–1) from the standardised name (and address)' }) probability!: number;
  @Field(() => [ResolutionScoreReason], { description: 'The factors of the score, in the order they were applied' }) reasons!: ResolutionScoreReason[];
}

@ObjectType({ description: 'A source record without a valid credit code that waits for a steward: what it says and its best candidates' })
export class ResolutionQueueEntry {
  @Field(() => ID, { description: 'The entry id; linkRecord and rejectCandidates take it' }) id!: string;
  @Field({ description: 'The connector that fetched the record, e.g. enforcement' }) connectorId!: string;
  @Field({ description: "The record's id in its source (record_id, case number)" }) sourceId!: string;

  @Field({ description: 'The source identity a decision is remembered by: the standardised name and county (NAME:…), or the identifier (ORG:…, PERMIT:…)' })
  identityKey!: string;

  @Field(() => String, { nullable: true, description: "The county the record was blocked by, or its best candidate's county" }) divisionCode!: string | null;
  @Field(() => String, { nullable: true, description: 'The enterprise name the record carries' }) name!: string | null;

  @Field(() => String, { nullable: true, description: "The record's credit-code field as the source sent it (blank, an organisation code, a malformed code)" })
  sourceCreditCode!: string | null;

  @Field(() => Float, { description: "The best candidate's match probability" }) bestProbability!: number;

  @Field(() => String, { nullable: true, description: 'Why the record did not link automatically (below the link threshold, or a runner-up also plausible)' })
  why!: string | null;

  @Field(() => [ResolutionCandidate], { description: 'The best candidates, best first' }) candidates!: ResolutionCandidate[];
  @Field(() => ResolutionStatus, { description: 'Where the entry stands: OPEN waits for a steward, LINKED or REJECTED was decided' }) status!: ResolutionStatus;
  @Field(() => String, { nullable: true, description: 'The enterprise a steward linked the record to (LINKED)' }) creditCode!: string | null;
  @Field(() => String, { nullable: true, description: 'The key name of the steward who decided' }) decidedBy!: string | null;
  @Field(() => DateTimeScalar, { description: 'When the record entered the queue' }) receivedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When a steward decided' }) decidedAt!: Date | null;
}

@ObjectType({ description: 'One entry of the resolution queue and its cursor' })
export class ResolutionQueueEdge extends EdgeOf(ResolutionQueueEntry, {
  cursor: 'Opaque cursor; pass it as `after` to continue after this entry',
  node: 'The queued record',
}) {}

@ObjectType({ description: 'A page of the steward review queue inside your jurisdiction, oldest first' })
export class ResolutionQueueConnection extends ConnectionOf(ResolutionQueueEdge, {
  edges: 'The entries of this page, oldest first',
  pageInfo: 'Where this page stands in the queue; pass endCursor as `after` for the next page',
}) {
  @Field(() => Int, { description: 'Open entries inside your jurisdiction' }) totalCount!: number;
}

@ObjectType({ description: 'What undoing a link did: the enterprises re-derived and where the record went' })
export class UnlinkResult {
  @Field(() => [String], { description: 'Credit codes of the enterprises whose scores, tags and warnings were re-derived' }) touched!: string[];

  @Field(() => ResolutionQueueEntry, {
    nullable: true,
    description: 'The queue entry the record waits in now, when it did not link to another enterprise or go to quarantine',
  })
  entry!: ResolutionQueueEntry | null;
}
