import { Field, ObjectType } from 'type-graphql';
import { DateScalar } from '../scalars';

/** An emission permit (排污许可证). */
@ObjectType({ description: 'An emission permit held by an enterprise' })
export class Permit {
  @Field({ description: 'Permit number (许可证编号) as issued by the permit system (排污许可)' }) permitNo!: string;
  @Field(() => DateScalar, { description: 'First day of validity (China date, inclusive)' }) validFrom!: string;

  @Field(() => DateScalar, {
    description: 'Last day of validity (China date, inclusive); a permit expiring within 30 days without a later valid one raises PERMIT_EXPIRING',
  })
  validTo!: string;

  @Field({
    description: 'Status in the permit system: VALID (有效), EXPIRED (过期) or REVOKED (撤销); only VALID inside validFrom–validTo counts as a valid permit',
  })
  status!: string;
}
