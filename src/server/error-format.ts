import { RuleSetDefinitionSyntaxError } from '../graphql/resolvers/rule-set.resolver';
import { ApiKeyError } from '../auth/api-key.service';
import { ForbiddenError } from '../graphql/auth-checker';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { UnknownConnectorError } from '../ingest/connector-admin.service';
import { DeclarativeDefinitionError } from '../connectors/declarative/declarative-definition.validator';
import { ConnectorBusyError } from '../ingest/sync.runner';
import { UnknownDivisionError } from '../divisions/division-directory';
import { InvalidCursorError } from '../enterprises/enterprise-cursor';
import { BadFilterError } from '../enterprises/enterprise-search.service';
import { TagForbiddenError, TagInputError, UnknownTagError } from '../tags/tag.errors';
import { WarningFilterError, WarningNotFoundError, WarningStateError } from '../warnings/warning.types';
import { WebhookInputError } from '../webhooks/webhook.types';

/** Errors a client caused and can fix: the message is passed on with this code. */
const CLIENT_ERRORS: [new (...a: any[]) => Error, string][] = [
  [ForbiddenError, 'FORBIDDEN'],
  [RuleSetDefinitionSyntaxError, 'BAD_USER_INPUT'],
  [ApiKeyError, 'BAD_USER_INPUT'],
  [UnknownDivisionError, 'BAD_USER_INPUT'],
  [InvalidCursorError, 'BAD_USER_INPUT'],
  [BadFilterError, 'BAD_USER_INPUT'],
  [UnknownTagError, 'BAD_USER_INPUT'],
  [TagInputError, 'BAD_USER_INPUT'],
  [TagForbiddenError, 'FORBIDDEN'],
  [DeclarativeDefinitionError, 'BAD_USER_INPUT'],
  [UnknownConnectorError, 'BAD_USER_INPUT'],
  [ConnectorBusyError, 'CONNECTOR_BUSY'],
  [WarningNotFoundError, 'NOT_FOUND'],
  [WarningStateError, 'BAD_USER_INPUT'],
  [WarningFilterError, 'BAD_USER_INPUT'],
  [WebhookInputError, 'BAD_USER_INPUT'],
];

/**
 * Shapes every GraphQL error: client mistakes keep their message and get a
 * stable `extensions.code`; unexpected failures are logged and answered with a
 * generic message, so no internals leak.
 */
export function formatHubError(formatted: GraphQLFormattedError, error: unknown, log: (l: string) => void): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError : (error as Error);
  if (!original || original instanceof GraphQLError) return formatted;
  for (const [cls, code] of CLIENT_ERRORS) {
    if (original instanceof cls) return { ...formatted, message: original.message, extensions: { ...formatted.extensions, code } };
  }
  const code = (formatted.extensions?.code as string | undefined) ?? 'INTERNAL_SERVER_ERROR';
  if (code !== 'INTERNAL_SERVER_ERROR') return formatted;
  log(`unexpected error at ${formatted.path?.join('.') ?? '?'}: ${original.stack ?? original.message}`);
  return { message: 'internal error; the hub logged the details', path: formatted.path, locations: formatted.locations, extensions: { code } };
}
