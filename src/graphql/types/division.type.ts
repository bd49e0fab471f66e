import { Field, ObjectType } from 'type-graphql';

/** An administrative division: the province, a city or a county. */
@ObjectType({ description: 'An administrative division (GB/T 2260): province, city or county' })
export class Division {
  @Field({ description: 'Six-digit division code, e.g. 370102' }) code!: string;
  @Field({ description: 'Chinese name, e.g. 历下区' }) name!: string;
  @Field({ description: 'PROVINCE, CITY or COUNTY' }) level!: string;

  parentCode?: string | null;
}
