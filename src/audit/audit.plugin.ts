import { ApolloServerPlugin } from '@apollo/server';
import { HubContext } from '../graphql/context';

const SECRET_KEY = /secret|password|token|authorization|api[-_]?key|header/i;

/** Operation text with string literals given to secret-looking arguments replaced. */
export function redactQueryText(query: string): string {
  return query.replace(/(\w*(?:secret|password|token|authorization|apikey|api_key)\w*"?\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"***"');
}

/** A copy of `value` with anything that looks like a secret replaced. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? '***' : redactSecrets(v)]));
  }
  return value;
}

/**
 * Keeps every mutation in the audit log: who (key, name, role, division),
 * what (operation text, name, variables with secrets redacted), when, from
 * where (client address, request id) and how it ended.
 */
export function auditPlugin(): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue: ctx, operation, request, errors, response }) {
          if (operation?.operation !== 'mutation') return;
          const resultErrors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const allErrors = [...new Set([...(errors ?? []), ...(resultErrors ?? [])].map((e) => e.message))];
          await ctx.services.db.pool.query(
            `insert into audit_log (api_key_id, caller_name, role, division_code, operation, operation_name, variables, outcome, error, client_address, request_id)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
            [
              ctx.caller.keyId, ctx.caller.name, ctx.caller.role, ctx.caller.scope.divisionCode,
              redactQueryText(request.query ?? '').slice(0, 10_000), request.operationName ?? operation.name?.value ?? null,
              JSON.stringify(redactSecrets(request.variables ?? {})),
              allErrors.length ? 'ERROR' : 'OK', allErrors.join('; ').slice(0, 2000) || null,
              ctx.clientAddress ?? null, ctx.requestId,
            ],
          ).catch((e) => ctx.services.log(`audit log write failed: ${(e as Error).message}`));
        },
      };
    },
  };
}
