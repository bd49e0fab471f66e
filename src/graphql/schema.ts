import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { hubAuthChecker } from './auth-checker';
import { ConnectorResolver, ConnectorRunResolver } from './resolvers/connector.resolver';
import { NodeResolver } from './resolvers/node.resolver';
import { DivisionResolver } from './resolvers/division.resolver';
import { EnterpriseConnectionResolver, EnterpriseResolver } from './resolvers/enterprise.resolver';
import { RuleSetResolver } from './resolvers/rule-set.resolver';
import { ScoreResolver } from './resolvers/score.resolver';
import { EnterpriseTagResolver, TagResolver } from './resolvers/tag.resolver';
import { EnterpriseSearchFieldsResolver, FacetResolver } from './resolvers/facet.resolver';
import { EnterpriseWarningsResolver, WarningConnectionResolver, WarningResolver } from './resolvers/warning.resolver';
import { WebhookDeliveryResolver, WebhookResolver } from './resolvers/webhook.resolver';
import { hubPubSub } from '../realtime/hub-pubsub';
import { EnterpriseMonitoringHoursResolver, MonitoringDeviceResolver } from './resolvers/monitoring-device.resolver';
import { EnterpriseMonitoringDaysResolver } from './resolvers/monitoring-day.resolver';
import { ResolutionResolver } from './resolvers/resolution.resolver';
import { InspectionPlanItemResolver, InspectionPlanResolver } from './resolvers/inspection-plan.resolver';
import { SupervisionTaskResolver } from './resolvers/supervision-task.resolver';

/** Every resolver class of the API. */
export const resolvers = [
  EnterpriseResolver,
  EnterpriseConnectionResolver,
  DivisionResolver,
  ConnectorResolver,
  ConnectorRunResolver,
  ScoreResolver,
  RuleSetResolver,
  TagResolver,
  EnterpriseTagResolver,
  FacetResolver,
  EnterpriseSearchFieldsResolver,
  WarningResolver,
  EnterpriseWarningsResolver,
  WarningConnectionResolver,
  WebhookResolver,
  WebhookDeliveryResolver,
  MonitoringDeviceResolver,
  EnterpriseMonitoringHoursResolver,
  EnterpriseMonitoringDaysResolver,
  InspectionPlanResolver,
  InspectionPlanItemResolver,
  ResolutionResolver,
  SupervisionTaskResolver,
  NodeResolver,
] as const;

let cached: Promise<GraphQLSchema> | undefined;

/** Builds (once per process) the executable schema from the type-graphql classes. */
export function buildHubSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({ resolvers: [...resolvers], validate: false, authChecker: hubAuthChecker, authMode: 'error', pubSub: hubPubSub });
  return cached;
}

/** The SDL committed as schema/schema.graphql. */
export async function printHubSchema(): Promise<string> {
  return printSchema(lexicographicSortSchema(await buildHubSchema())) + '\n';
}

/** Writes schema/schema.graphql. */
export async function writeSchemaFile(file: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await printHubSchema());
}
