import { SourceConnector } from '../src/connectors/connector.types';
import { enforcementConnector } from './enforcement/enforcement.connector';
import { monitoringConnector } from './monitoring/monitoring.connector';
import { penaltyConnector } from './penalty/penalty.connector';
import { permitConnector } from './permit/permit.connector';

/**
 * The code connectors compiled into the hub. A new source system with its own
 * code gets a folder beside permit/ and a line here; sources that fit the
 * declarative model need no code at all (see README).
 */
export const codeConnectors: SourceConnector[] = [permitConnector, enforcementConnector, penaltyConnector, monitoringConnector];
