import { ConnectorRunEntity } from './connector-run.entity';
import { ConnectorEntity } from './connector.entity';
import { DivisionEntity } from './division.entity';
import { EnterpriseEntity } from './enterprise.entity';
import { PermitEntity } from './permit.entity';

export { ConnectorEntity, ConnectorRunEntity, DivisionEntity, EnterpriseEntity, PermitEntity };

/** Every entity the ORM knows. */
export const entities = [DivisionEntity, EnterpriseEntity, PermitEntity, ConnectorEntity, ConnectorRunEntity];
