import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';

@InputType({ description: 'A permitted limit of one pollutant at the outlet' })
export class MonitoringLimitInput {
  @Field(() => String, { description: 'HJ 212 pollutant code: a21026 SO₂, a21002 NOₓ, a34013 particulates, w01018 COD, w21003 ammonia nitrogen…' })
  pollutantCode!: string;

  @Field(() => Float, { description: 'Permitted hourly average; a valid hour above it is an exceedance' }) limit!: number;
  @Field(() => String, { nullable: true, description: 'mg/m3, mg/L…' }) unit?: string | null;
}

@InputType({ description: 'Binds an HJ 212 data acquisition unit (MN) to an enterprise outlet' })
export class BindMonitoringDeviceInput {
  @Field(() => String, { description: 'The DAU id (MN) its packets carry, up to 24 characters' }) mn!: string;

  @Field(() => String, { description: 'Unified social credit code (统一社会信用代码) of the enterprise; it must lie inside your jurisdiction' })
  creditCode!: string;

  @Field(() => String, { description: 'Outlet code (DA001 flue gas, DW001 wastewater…)' }) outletCode!: string;
  @Field(() => String, { description: 'The access password (PW) the DAU sends; packets with another one are refused' }) password!: string;

  @Field(() => [MonitoringLimitInput], {
    description: 'Permitted limits per pollutant measured at the outlet; hours of a pollutant without a limit never exceed',
  })
  limits!: MonitoringLimitInput[];
}

@ObjectType({ description: 'A permitted limit of one pollutant at a bound outlet' })
export class MonitoringLimit {
  @Field(() => String, { description: 'HJ 212 pollutant code, e.g. a21026 SO₂, w01018 COD' }) pollutantCode!: string;
  @Field(() => Float, { description: 'Permitted hourly average, in unit; a valid hour above it is an exceedance' }) limit!: number;

  @Field(() => String, { nullable: true, description: 'Unit of the limit and the values, e.g. mg/m3 or mg/L; null when not given at binding' })
  unit!: string | null;
}

@ObjectType({ description: 'An HJ 212 data acquisition unit: bound to an outlet, or an MN that sent packets nobody has bound yet' })
export class MonitoringDevice {
  @Field(() => String, { description: 'Device id (MN, 设备唯一标识) the DAU (数采仪, data acquisition unit) puts in its HJ 212 packets' }) mn!: string;
  @Field(() => Boolean, { description: 'Whether a steward has bound the MN to an outlet; unbound MNs are listed because they sent packets' }) bound!: boolean;
  @Field(() => String, { nullable: true, description: 'Credit code of the enterprise it is bound to; null when unbound' }) creditCode!: string | null;
  @Field(() => String, { nullable: true, description: 'Outlet code (排放口编号) it is bound to, e.g. DA001; null when unbound' }) outletCode!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was bound; null when unbound' }) boundAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the last packet arrived' }) lastPacketAt!: Date | null;
  @Field(() => Int, { description: 'Packets stored (repeats counted once) within the retention' }) packets!: number;
  @Field(() => String, { nullable: true, description: 'ACCEPTED, UNBOUND or WRONG_PASSWORD: how the last packet stood' }) lastStatus!: string | null;
  @Field(() => [MonitoringLimit], { description: 'The limits given at binding; empty when unbound' }) limits!: MonitoringLimit[];
}

@ObjectType({ description: 'What binding did: packets the MN had sent unbound, now taken in' })
export class MonitoringBindResult {
  @Field(() => MonitoringDevice, { description: 'The device as bound now' }) device!: MonitoringDevice;
  @Field(() => Int, { description: 'Packets the MN had sent before binding, with the right password, now taken in' }) packetsAccepted!: number;
  @Field(() => Int, { description: 'Kept packets whose password differs from the bound one (not counted)' }) packetsWrongPassword!: number;
  @Field(() => Int, { description: 'Hourly values derived from them' }) hours!: number;
}

@ObjectType({ description: 'One hourly value of an outlet and pollutant from the HJ 212 gateway' })
export class MonitoringHour {
  @Field(() => DateTimeScalar, { description: 'Start of the hour' }) at!: Date;
  @Field(() => String, { description: 'Outlet code (排放口编号) the device is bound to, e.g. DA001' }) outletCode!: string;
  @Field(() => String, { description: 'HJ 212 pollutant code, e.g. a21026 SO₂, a21002 NOₓ' }) pollutantCode!: string;
  @Field(() => Float, { nullable: true, description: 'Hourly average (HJ 212 xxxxxx-Avg), in the unit of the limit; null when not sent' }) avg!: number | null;
  @Field(() => Float, { nullable: true, description: 'Hourly minimum (xxxxxx-Min); null when not sent' }) min!: number | null;
  @Field(() => Float, { nullable: true, description: 'Hourly maximum (xxxxxx-Max); null when not sent' }) max!: number | null;
  @Field(() => String, { nullable: true, description: 'HJ 212 data flag: N normal; F, M, S, D, C, T, B are not valid hours' }) flag!: string | null;
  @Field(() => Float, { nullable: true, description: 'The bound limit of this pollutant' }) limit!: number | null;
  @Field(() => Boolean, { description: 'A valid hour (flag N) above the limit; a C, M or other flagged hour never exceeds' }) exceeds!: boolean;
  @Field(() => Boolean, { description: "True until the platform's daily summary of the same outlet, pollutant and date arrives" }) provisional!: boolean;
}
