import { ConnectorEntity } from './connector.entity';
import { DivisionEntity } from './division.entity';
import { PermitEntity } from './permit.entity';

export { ConnectorEntity, DivisionEntity, PermitEntity };

/** Every entity the ORM knows: the object-graph reads that go through MikroORM (bulk work is raw SQL). */
export const entities = [DivisionEntity, PermitEntity, ConnectorEntity];
