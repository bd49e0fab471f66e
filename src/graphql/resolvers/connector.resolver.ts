import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ProvinceWide } from '../auth-checker';
import { ConnectorAdminService } from '../../ingest/connector-admin.service';
import { HubContext } from '../context';
import { hasRole } from '../../auth/caller.model';
import { keyOf, toGlobalId } from '../relay/global-id';
import { DeclarativeConnectorInput } from '../types/connector-input.type';
import { Connector, ConnectorRun, QuarantinedRecord, QuarantinedRecordPage } from '../types/connector.type';

/** The connector administration service (roles are checked by `@Authorized` on each operation). */
function stewardConnectors(ctx: HubContext): ConnectorAdminService {
  return ctx.services.connectorAdmin;
}

/** Roles that read quarantine counts (the quarantine itself is STEWARD or BUREAU, inside the jurisdiction). */
const QUARANTINE_READERS = ['STEWARD', 'BUREAU'] as const;

/** A run's error as `ctx`'s caller may read it: the raw text (database messages included) for STEWARD and ADMIN only. */
function runErrorFor(ctx: HubContext, error: string | null): string | null {
  if (error === null || hasRole(ctx.caller, ['STEWARD'])) return error;
  return 'the run failed; a STEWARD or ADMIN key can read why';
}

/** Run fields some roles do not read: raw errors and quarantine counts. */
@Resolver(() => ConnectorRun)
export class ConnectorRunResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description: "Why the run failed. The database's own text reaches STEWARD and ADMIN keys only; other keys read that it failed and who can see why",
  })
  error(@Root() run: ConnectorRun, @Ctx() ctx: HubContext) {
    return runErrorFor(ctx, run.error);
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Records put in quarantine; null for PARTNER keys (quarantine is for stewards and bureaus)' })
  quarantined(@Root() run: ConnectorRun, @Ctx() ctx: HubContext) {
    return hasRole(ctx.caller, [...QUARANTINE_READERS]) ? run.quarantined : null;
  }

  @FieldResolver(() => ID, { description: 'Global, opaque id of this run; pass it to node(id)' })
  id(@Root() r: ConnectorRun): string {
    return toGlobalId('ConnectorRun', r.id);
  }

  @FieldResolver(() => ID, { description: "The run's own id in the hub (as in `hub connectors list` and the logs)" })
  runId(@Root() r: ConnectorRun): string {
    return r.id;
  }
}

/** Stewards' view and control of connectors: list, runs, quarantine, registration. */
@Resolver(() => Connector)
export class ConnectorResolver {
  @Query(() => [Connector], { description: 'Every connector with its schedule, last run and open quarantine count' })
  connectors(@Ctx() ctx: HubContext) {
    return stewardConnectors(ctx).list(undefined, ctx.scope);
  }

  @Query(() => Connector, { nullable: true, description: 'One connector by id' })
  async connector(@Arg('id', { description: 'The connector id (e.g. permit) or its global id' }) id: string, @Ctx() ctx: HubContext) {
    const [c] = await stewardConnectors(ctx).list([keyOf(id, 'Connector')], ctx.scope);
    return c ?? null;
  }

  @Authorized('STEWARD', 'BUREAU')
  @Query(() => QuarantinedRecordPage, {
    description: 'Quarantined records with raw payloads, newest first (status default OPEN); inside your jurisdiction; STEWARD or BUREAU',
  })
  async quarantinedRecords(
    @Ctx() ctx: HubContext,
    @Arg('connectorId', () => String, { nullable: true, description: 'Only this connector: its connector id (permit) or its global id (Connector.id)' })
    connectorId?: string,
    @Arg('status', () => String, { nullable: true, defaultValue: 'OPEN', description: 'OPEN (default), REPROCESSED or DISCARDED; null: every status' })
    status?: string,
    @Arg('first', () => Int, { defaultValue: 50, description: 'Records in the page (default 50, at most 500)' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page: continue with older records' }) after?: string,
  ) {
    const page = await stewardConnectors(ctx).quarantined({
      connectorId: connectorId ? keyOf(connectorId, 'Connector', 'connectorId') : connectorId,
      status,
      first: first ?? 50,
      after,
      scope: ctx.scope,
    });
    return { ...page, endCursor: page.items.length ? page.items[page.items.length - 1].id : null };
  }

  @FieldResolver(() => ID, { description: 'Global, opaque id of this connector; pass it to node(id)' })
  id(@Root() c: Connector): string {
    return toGlobalId('Connector', c.id);
  }

  @FieldResolver(() => String, { description: 'The connector id (kebab-case, e.g. permit, credit-rating) that runConnector, resetConnector and the CLI take' })
  connectorId(@Root() c: Connector): string {
    return c.id;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Open quarantined records; null for PARTNER keys (quarantine is for stewards and bureaus)' })
  quarantined(@Root() c: Connector, @Ctx() ctx: HubContext) {
    return hasRole(ctx.caller, [...QUARANTINE_READERS]) ? c.quarantined : null;
  }

  @FieldResolver(() => ConnectorRun, { nullable: true, description: 'The most recent run (possibly still RUNNING); null before the first run' })
  async lastRun(@Root() c: Connector, @Ctx() ctx: HubContext) {
    const [runs] = await stewardConnectors(ctx).runsOf([c.id], 1);
    return runs[0] ?? null;
  }

  @FieldResolver(() => [ConnectorRun], { description: 'Run history, newest first' })
  async runs(
    @Root() c: Connector,
    @Ctx() ctx: HubContext,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many of the latest runs (default 20, at most 500)' }) first: number,
  ) {
    const [runs] = await stewardConnectors(ctx).runsOf([c.id], first);
    return runs;
  }

  @Authorized('STEWARD', 'BUREAU')
  @FieldResolver(() => QuarantinedRecordPage, {
    name: 'quarantinedRecords',
    description: 'This connector’s quarantined records inside your jurisdiction; STEWARD or BUREAU',
  })
  async connectorQuarantinedRecords(
    @Root() c: Connector,
    @Ctx() ctx: HubContext,
    @Arg('status', () => String, { nullable: true, defaultValue: 'OPEN', description: 'OPEN (default), REPROCESSED or DISCARDED; null: every status' })
    status?: string,
    @Arg('first', () => Int, { defaultValue: 50, description: 'Records in the page (default 50, at most 500)' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page: continue with older records' }) after?: string,
  ) {
    const page = await stewardConnectors(ctx).quarantined({ connectorId: c.id, status, first: first ?? 50, after, scope: ctx.scope });
    return { ...page, endCursor: page.items.length ? page.items[page.items.length - 1].id : null };
  }

  @ProvinceWide('STEWARD')
  @Mutation(() => Connector, { description: 'Registers (or updates) a declarative connector; STEWARD of the province' })
  async registerConnector(
    @Arg('input', () => DeclarativeConnectorInput, { description: 'The source described without code; an existing id is updated' })
    input: DeclarativeConnectorInput,
    @Ctx() ctx: HubContext,
  ) {
    const admin = stewardConnectors(ctx);
    const { id } = await ctx.services.declarativeConnectors.register(input);
    return admin.get(id);
  }

  @ProvinceWide('STEWARD')
  @Mutation(() => ConnectorRun, { description: 'Runs a connector now and returns its run; STEWARD of the province' })
  async runConnector(
    @Arg('id', { description: 'The connector: its connector id (permit; Connector.connectorId) or its global id (Connector.id)' }) rawId: string,
    @Ctx() ctx: HubContext,
  ) {
    const id = keyOf(rawId, 'Connector');
    const admin = stewardConnectors(ctx);
    await admin.get(id);
    const summary = await ctx.services.runner.run(id, 'api');
    return admin.run(summary.runId);
  }

  @ProvinceWide('STEWARD')
  @Mutation(() => ConnectorRun, {
    description:
      "Re-reads a connector's source from its start (after the source was reset or regenerated) and returns the run; idempotent: re-reading an unchanged source leaves the store as it was. STEWARD of the province",
  })
  async resetConnector(
    @Arg('id', () => String, { description: 'The connector: its connector id (permit; Connector.connectorId) or its global id (Connector.id)' })
    rawId: string,
    @Ctx() ctx: HubContext,
  ) {
    const id = keyOf(rawId, 'Connector');
    const admin = stewardConnectors(ctx);
    await admin.get(id);
    const summary = await ctx.services.runner.run(id, 'reset', { fromStart: true });
    return admin.run(summary.runId);
  }

  @Authorized('STEWARD')
  @Mutation(() => QuarantinedRecord, {
    description: 'Re-runs a quarantined record through map and validation (or marks it resolved when its source sent a good version since); STEWARD',
  })
  async reprocessQuarantined(@Arg('id', () => ID, { description: 'The quarantined record (QuarantinedRecord.id)' }) id: string, @Ctx() ctx: HubContext) {
    const { record, touched } = await stewardConnectors(ctx).reprocess(id, ctx.scope);
    if (touched.length) await ctx.services.runner.afterSync(touched);
    return record;
  }
}
