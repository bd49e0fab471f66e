import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';

@InputType({ description: 'A permitted limit of one pollutant at the outlet' })
export class MonitoringLimitInput {
  @Field(() => String, { description: 'HJ 212 pollutant code: a21026 SO₂, a21002 NOₓ, a34013 particulates, w01018 COD, w21003 ammonia nitrogen…' })
  pollutantCode!: string;

  @Field(() => Float, { description: 'Permitted hourly average; a valid hour above it is an exceedance' })
  limit!: number;

  @Field(() => String, { nullable: true, description: 'mg/m3, mg/L…' })
  unit?: string | null;
}

@InputType({ description: 'Binds an HJ 212 data acquisition unit (MN) to an enterprise outlet' })
export class BindMonitoringDeviceInput {
  @Field(() => String, { description: 'The DAU id (MN) its packets carry, up to 24 characters' })
  mn!: string;

  @Field(() => String)
  creditCode!: string;

  @Field(() => String, { description: 'Outlet code (DA001 flue gas, DW001 wastewater…)' })
  outletCode!: string;

  @Field(() => String, { description: 'The access password (PW) the DAU sends; packets with another one are refused' })
  password!: string;

  @Field(() => [MonitoringLimitInput])
  limits!: MonitoringLimitInput[];
}

@ObjectType({ description: 'A permitted limit of one pollutant at a bound outlet' })
export class MonitoringLimit {
  @Field(() => String)
  pollutantCode!: string;

  @Field(() => Float)
  limit!: number;

  @Field(() => String, { nullable: true })
  unit!: string | null;
}

@ObjectType({ description: 'An HJ 212 data acquisition unit: bound to an outlet, or an MN that sent packets nobody has bound yet' })
export class MonitoringDevice {
  @Field(() => String)
  mn!: string;

  @Field(() => Boolean)
  bound!: boolean;

  @Field(() => String, { nullable: true })
  creditCode!: string | null;

  @Field(() => String, { nullable: true })
  outletCode!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  boundAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the last packet arrived' })
  lastPacketAt!: Date | null;

  @Field(() => Int, { description: 'Packets stored (repeats counted once) within the retention' })
  packets!: number;

  @Field(() => String, { nullable: true, description: 'ACCEPTED, UNBOUND or WRONG_PASSWORD: how the last packet stood' })
  lastStatus!: string | null;

  @Field(() => [MonitoringLimit])
  limits!: MonitoringLimit[];
}

@ObjectType({ description: 'What binding did: packets the MN had sent unbound, now taken in' })
export class MonitoringBindResult {
  @Field(() => MonitoringDevice)
  device!: MonitoringDevice;

  @Field(() => Int)
  packetsAccepted!: number;

  @Field(() => Int, { description: 'Kept packets whose password differs from the bound one (not counted)' })
  packetsWrongPassword!: number;

  @Field(() => Int, { description: 'Hourly values derived from them' })
  hours!: number;
}

@ObjectType({ description: 'One hourly value of an outlet and pollutant from the HJ 212 gateway' })
export class MonitoringHour {
  @Field(() => DateTimeScalar, { description: 'Start of the hour' })
  at!: Date;

  @Field(() => String)
  outletCode!: string;

  @Field(() => String)
  pollutantCode!: string;

  @Field(() => Float, { nullable: true })
  avg!: number | null;

  @Field(() => Float, { nullable: true })
  min!: number | null;

  @Field(() => Float, { nullable: true })
  max!: number | null;

  @Field(() => String, { nullable: true, description: 'HJ 212 data flag: N normal; F, M, S, D, C, T, B are not valid hours' })
  flag!: string | null;

  @Field(() => Float, { nullable: true, description: 'The bound limit of this pollutant' })
  limit!: number | null;

  @Field(() => Boolean, { description: 'A valid hour (flag N) above the limit; a C, M or other flagged hour never exceeds' })
  exceeds!: boolean;

  @Field(() => Boolean, { description: "True until the platform's daily summary of the same outlet, pollutant and date arrives" })
  provisional!: boolean;
}
