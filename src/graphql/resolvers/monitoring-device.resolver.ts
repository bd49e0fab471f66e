import { EnterpriseRow } from '../../enterprises/enterprise.model';
import { GraphQLError } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { MonitoringBindingError } from '../../monitoring/monitoring-device.service';
import { HubContext } from '../context';
import { DateTimeScalar } from '../scalars';
import { Enterprise } from '../types/enterprise.type';
import { BindMonitoringDeviceInput, MonitoringBindResult, MonitoringDevice, MonitoringHour } from '../types/monitoring-device.type';

/** HJ 212 devices: binding (STEWARD, enterprise inside the caller's jurisdiction) and the device list. */
@Resolver(() => MonitoringDevice)
export class MonitoringDeviceResolver {
  @Authorized('STEWARD')
  @Query(() => [MonitoringDevice], {
    description: 'HJ 212 DAUs bound to outlets inside your jurisdiction and MNs that sent packets unbound (STEWARD); bound filters',
  })
  monitoringDevices(
    @Ctx() ctx: HubContext,
    @Arg('bound', () => Boolean, { nullable: true, description: 'true: only bound devices; false: only unbound MNs; absent: both' })
    bound?: boolean | null,
  ) {
    return ctx.services.monitoringDevices.list(ctx.scope, bound ?? null);
  }

  @Authorized('STEWARD')
  @Mutation(() => MonitoringBindResult, {
    description: 'Bind a DAU (MN) to an outlet of an enterprise inside your jurisdiction with its limits (STEWARD); what the MN already sent is taken in',
  })
  async bindMonitoringDevice(
    @Ctx() ctx: HubContext,
    @Arg('input', () => BindMonitoringDeviceInput, { description: 'The MN, the outlet of an enterprise inside your jurisdiction, the password and the limits' })
    input: BindMonitoringDeviceInput,
  ): Promise<MonitoringBindResult> {
    try {
      const r = await ctx.services.monitoringDevices.bind(ctx.scope, { ...input, limits: input.limits.map((l) => ({ ...l })) }, ctx.caller.name ?? null);
      const [device] = (await ctx.services.monitoringDevices.list(ctx.scope, true)).filter((d) => d.mn === input.mn);
      return { device: device as MonitoringDevice, packetsAccepted: r.packetsAccepted, packetsWrongPassword: r.packetsWrongPassword, hours: r.hours.length };
    } catch (e) {
      if (e instanceof MonitoringBindingError) throw new GraphQLError(e.message, { extensions: { code: 'BAD_USER_INPUT' } });
      throw e;
    }
  }
}

/** `Enterprise.monitoringHours`: hourly values from the gateway, batched per request. */
@Resolver(() => Enterprise)
export class EnterpriseMonitoringHoursResolver {
  @FieldResolver(() => [MonitoringHour], {
    description: 'Hourly values its DAUs sent over HJ 212, from (inclusive) to (exclusive), oldest first (at most 5,000)',
  })
  monitoringHours(
    @Root() e: EnterpriseRow,
    @Ctx() ctx: HubContext,
    @Arg('from', () => DateTimeScalar, { description: 'Start instant (inclusive)' }) from: Date,
    @Arg('to', () => DateTimeScalar, { description: 'End instant (exclusive)' }) to: Date,
    @Arg('pollutantCode', () => String, { nullable: true, description: 'Only this HJ 212 pollutant code; default every pollutant' })
    pollutantCode?: string | null,
  ) {
    return ctx.loaders.monitoringHours.of({ from, to, pollutantCode }).load(e.creditCode);
  }
}
