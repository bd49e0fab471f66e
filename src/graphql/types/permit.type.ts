import { Field, ObjectType } from 'type-graphql';
import { DateScalar } from '../scalars';

/** An emission permit (排污许可证). */
@ObjectType({ description: 'An emission permit held by an enterprise' })
export class Permit {
  @Field()
  permitNo!: string;

  @Field(() => DateScalar)
  validFrom!: string;

  @Field(() => DateScalar)
  validTo!: string;

  @Field({ description: 'VALID, EXPIRED or REVOKED' })
  status!: string;
}
