import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { GraphQLSchema, isInterfaceType, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { hubAuthChecker } from './auth-checker';
import { nodeTypeOf } from './types/node.type';
import { ConnectorResolver, ConnectorRunResolver } from './resolvers/connector.resolver';
import { NodeResolver } from './resolvers/node.resolver';
import { DivisionResolver } from './resolvers/division.resolver';
import { EnterpriseConnectionResolver, EnterpriseResolver } from './resolvers/enterprise.resolver';
import { RuleSetResolver } from './resolvers/rule-set.resolver';
import { ScoreResolver } from './resolvers/score.resolver';
import { HealthReportGroupsResolver } from './resolvers/deduction-group.resolver';
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
import { ObjectionResolver } from './resolvers/objection.resolver';
import { SupervisionStatsResolver } from './resolvers/supervision-stats.resolver';

/** Every resolver class of the API. */
export const resolvers = [
  EnterpriseResolver,
  EnterpriseConnectionResolver,
  DivisionResolver,
  ConnectorResolver,
  ConnectorRunResolver,
  ScoreResolver,
  HealthReportGroupsResolver,
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
  ObjectionResolver,
  SupervisionStatsResolver,
  NodeResolver,
] as const;

/**
 * Descriptions of the three root types. type-graphql creates Query, Mutation
 * and Subscription itself and takes no description for them, so they are set
 * on the freshly built schema, before anything reads it.
 */
export const ROOT_TYPE_DESCRIPTIONS = {
  Query:
    'What a client reads from the hub. Every request carries `Authorization: Bearer <API key>`; a key acts for one division (province, city or county: 省市县三级) and every field answers only inside that jurisdiction (a province key sees every enterprise, a city key the enterprises of its counties, a county key its own). Roles: BUREAU (read, tag, acknowledge warnings, supervision), PARTNER (read only), STEWARD (connectors, quarantine, devices, resolution queue), ADMIN (everything); fields that need a role say so.',
  Mutation:
    'What a client changes in the hub. Each mutation names the role it needs (ADMIN may do everything) and acts only inside your jurisdiction; those that change the whole province (rule sets, connectors, policies) also need a province-level key. Changes are audited with the key name.',
  Subscription:
    'Pushes over WebSocket on /graphql (graphql-ws protocol; connection params `{"Authorization": "Bearer <API key>"}`), only for events inside your jurisdiction, from whichever hub process committed them. A revoked key’s connections are closed.',
} as const;

function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (type) type.description = ROOT_TYPE_DESCRIPTIONS[type.name as keyof typeof ROOT_TYPE_DESCRIPTIONS];
  }
  return schema;
}

/**
 * type-graphql wraps an interface's `resolveType` in an async function, so
 * every node answers its type through a promise. The hub's queries run
 * compiled (graphql-jit, see `src/server/compiled-query.executor.ts`), which
 * takes a type name, not a promise of one; `Node`'s own function is
 * synchronous, so it is put back as it was written.
 */
function synchronousNodeType(schema: GraphQLSchema): GraphQLSchema {
  const node = schema.getType('Node');
  if (!isInterfaceType(node)) throw new Error('the schema has no Node interface');
  node.resolveType = nodeTypeOf;
  return schema;
}

let cached: Promise<GraphQLSchema> | undefined;

/** Builds (once per process) the executable schema from the type-graphql classes. */
export function buildHubSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({ resolvers: [...resolvers], validate: false, authChecker: hubAuthChecker, authMode: 'error', pubSub: hubPubSub }).then((schema) =>
    synchronousNodeType(describeRootTypes(schema)),
  );
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
