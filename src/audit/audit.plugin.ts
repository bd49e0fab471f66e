import { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, Kind, ValueNode, parse, print, visit } from 'graphql';
import { HubContext } from '../graphql/context';

const SECRET_KEY = /secret|password|passwd|token|authorization|api[-_]?key|credential|header/i;
const REDACTED = '***';

/** Whether an input object is a header (or any pair) marked secret, or names a secret-looking header. */
function isSecretPair(fields: ReadonlyArray<{ name: string; value: unknown }>): boolean {
  const get = (n: string) => fields.find((f) => f.name === n)?.value;
  const flag = get('secret');
  const name = get('name');
  return flag === true || (typeof name === 'string' && SECRET_KEY.test(name));
}

/**
 * The operation as stored in the audit log: the parsed document printed back
 * (so comments, block strings and spacing cannot hide a literal), with every
 * string or number given to a secret-looking argument or input field, and
 * every value of an input object marked `secret: true` (an inline connector
 * header) or naming a secret-looking header, replaced by `***`. Redacting the
 * AST, not the text, is what makes this complete.
 */
export function redactDocument(document: DocumentNode): string {
  const hide = (node: ValueNode): ValueNode => {
    if (node.kind === Kind.STRING || node.kind === Kind.INT || node.kind === Kind.FLOAT || node.kind === Kind.ENUM)
      return { kind: Kind.STRING, value: REDACTED };
    if (node.kind === Kind.LIST) return { ...node, values: node.values.map(hide) };
    if (node.kind === Kind.OBJECT) return { ...node, fields: node.fields.map((f) => ({ ...f, value: hide(f.value) })) };
    return node; // variables are redacted in the variables; null and booleans carry no secret
  };
  const literal = (v: ValueNode): unknown => (v.kind === Kind.BOOLEAN ? v.value : v.kind === Kind.STRING ? v.value : undefined);
  const redacted = visit(document, {
    Argument: (node) => (SECRET_KEY.test(node.name.value) ? { ...node, value: hide(node.value) } : undefined),
    ObjectField: (node) =>
      SECRET_KEY.test(node.name.value) && node.value.kind !== Kind.OBJECT && node.value.kind !== Kind.LIST ? { ...node, value: hide(node.value) } : undefined,
    ObjectValue: (node) => {
      if (!isSecretPair(node.fields.map((f) => ({ name: f.name.value, value: literal(f.value) })))) return undefined;
      return { ...node, fields: node.fields.map((f) => (f.name.value === 'name' || f.name.value === 'secret' ? f : { ...f, value: hide(f.value) })) };
    },
  });
  return print(redacted);
}

/** Operation text redacted through its parsed document; text that does not parse is not stored. */
export function redactQueryText(query: string): string {
  try {
    return redactDocument(parse(query));
  } catch {
    return '(unparsable operation not stored)';
  }
}

/** A copy of `value` with anything that looks like a secret replaced (keys named like secrets, values of pairs marked secret). */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const pair = isSecretPair(entries.map(([name, v]) => ({ name, value: v })));
    return Object.fromEntries(entries.map(([k, v]) => [k, SECRET_KEY.test(k) || (pair && k !== 'name' && k !== 'secret') ? REDACTED : redactSecrets(v)]));
  }
  return value;
}

/**
 * Keeps every mutation in the audit log: who (key, name, role, division),
 * what (the parsed operation printed with its secrets redacted, its name, variables with secrets redacted), when, from
 * where (client address, request id) and how it ended.
 */
export function auditPlugin(): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue: ctx, operation, document, request, errors, response }) {
          if (operation?.operation !== 'mutation') return;
          const resultErrors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const allErrors = [...new Set([...(errors ?? []), ...(resultErrors ?? [])].map((e) => e.message))];
          await ctx.services.db.pool
            .query(
              `insert into audit_log (api_key_id, caller_name, role, division_code, operation, operation_name, variables, outcome, error, client_address, request_id)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
              [
                ctx.caller.keyId,
                ctx.caller.name,
                ctx.caller.role,
                ctx.caller.scope.divisionCode,
                (document ? redactDocument(document) : redactQueryText(request.query ?? '')).slice(0, 10_000),
                request.operationName ?? operation.name?.value ?? null,
                JSON.stringify(redactSecrets(request.variables ?? {})),
                allErrors.length ? 'ERROR' : 'OK',
                allErrors.join('; ').slice(0, 2000) || null,
                ctx.clientAddress ?? null,
                ctx.requestId,
              ],
            )
            .catch((e) => ctx.services.log(`audit log write failed: ${(e as Error).message}`));
        },
      };
    },
  };
}
