import { DocumentNode, GraphQLError, Kind, ValueNode, visit } from 'graphql';
import { nulPath } from '../../domain/client-error';

function refuse(where: string, argument: string): GraphQLError {
  return new GraphQLError(`${where} contains a NUL character (\\u0000), which no text in the hub holds`, {
    extensions: { code: 'BAD_USER_INPUT', argument, http: { status: 400 } },
  });
}

/**
 * Refuses a NUL character in any string a client gives — a literal argument,
 * a variable's default or a variable's value — naming the argument, before
 * anything runs: PostgreSQL text cannot hold one, so it would otherwise fail
 * deep in a statement as an internal error. One walk of the document (spreads
 * are not followed: every fragment is walked where it is defined).
 */
export function nulInputError(document: DocumentNode, variables: Record<string, unknown>): GraphQLError | null {
  /** The first argument each variable is given to, to name it. */
  const usedBy = new Map<string, string>();
  let refused: GraphQLError | null = null;
  const inValue = (v: ValueNode, at: string): string | null => {
    if (v.kind === Kind.STRING) return v.value.includes('\u0000') ? at : null;
    if (v.kind === Kind.VARIABLE) {
      if (!usedBy.has(v.name.value)) usedBy.set(v.name.value, at);
      return null;
    }
    if (v.kind === Kind.LIST) {
      for (let i = 0; i < v.values.length; i++) {
        const found = inValue(v.values[i], `${at}.${i}`);
        if (found) return found;
      }
    }
    if (v.kind === Kind.OBJECT) {
      for (const f of v.fields) {
        const found = inValue(f.value, `${at}.${f.name.value}`);
        if (found) return found;
      }
    }
    return null;
  };
  visit(document, {
    Field(field) {
      for (const arg of field.arguments ?? []) {
        const found = inValue(arg.value, arg.name.value);
        if (found && !refused) refused = refuse(`argument ${found} of ${field.name.value}`, found);
      }
    },
    VariableDefinition(def) {
      const found = def.defaultValue && inValue(def.defaultValue, `$${def.variable.name.value}`);
      if (found && !refused) refused = refuse(`the default of ${found}`, found);
    },
  });
  if (refused) return refused;
  for (const [name, value] of Object.entries(variables)) {
    const found = nulPath(value, `$${name}`);
    if (!found) continue;
    const argument = usedBy.get(name);
    return refuse(`variable ${found}${argument ? ` (argument ${argument})` : ''}`, argument ? argument + found.slice(name.length + 1) : found);
  }
  return null;
}
