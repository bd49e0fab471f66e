import { FieldNode, FragmentDefinitionNode, GraphQLSchema, Kind, OperationDefinitionNode, SelectionSetNode, TypeInfo, ValueNode, getNullableType, isListType, visit, visitWithTypeInfo } from 'graphql';

/** What an operation would cost to run, measured before it runs. */
export interface OperationMeasure {
  /** Deepest nesting of fields. */
  depth: number;
  /** Fields given an alias. */
  aliases: number;
  /** Estimated rows touched: each field counts once per parent row, lists multiply by their page size. */
  cost: number;
  /** Largest `first` argument asked for. */
  largestPage: number;
  /** Where the largest `first` was asked for. */
  largestPagePath?: string;
}

/** Rows assumed for a list field without a `first` argument. */
const DEFAULT_LIST_SIZE = 10;
/** Rows assumed for a connection without `first` (the API's default page). */
const DEFAULT_PAGE = 50;

function argValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
}

/**
 * Measures depth, aliases, page sizes and an estimated cost of the operation,
 * following fragments. Used to refuse hostile or careless queries with a
 * message naming the limit, before any resolver runs.
 */
export function measureOperation(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>): OperationMeasure {
  const m: OperationMeasure = { depth: 0, aliases: 0, cost: 0, largestPage: 0 };
  const listFields = listFieldsOf(schema, [operation, ...Object.values(fragments)]);

  const walk = (selectionSet: SelectionSetNode, depth: number, multiplier: number, path: string, seen: Set<string>, paged = false): void => {
    for (const sel of selectionSet.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments[sel.name.value];
        if (frag && !seen.has(frag.name.value)) walk(frag.selectionSet, depth, multiplier, path, new Set([...seen, frag.name.value]), paged);
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, depth, multiplier, path, seen, paged);
        continue;
      }
      const field = sel as FieldNode;
      if (field.alias) m.aliases++;
      const name = field.name.value;
      const here = path ? `${path}.${field.alias?.value ?? name}` : field.alias?.value ?? name;
      m.depth = Math.max(m.depth, depth + 1);
      m.cost += multiplier;
      if (field.selectionSet) {
        const firstArg = field.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
        const first = argValue(firstArg?.value, variables);
        // A connection's `first` already counts its rows: the edges list inside it does not multiply again.
        let size = 1;
        let childPaged = false;
        if (typeof first === 'number') {
          size = Math.max(first, 1);
          childPaged = true;
          if (first > m.largestPage) { m.largestPage = first; m.largestPagePath = here; }
        } else if (listFields.has(field)) {
          size = paged ? 1 : DEFAULT_LIST_SIZE;
        } else if (name === 'enterprises' || name === 'warnings') {
          size = DEFAULT_PAGE;
          childPaged = true;
        }
        walk(field.selectionSet, depth + 1, multiplier * size, here, seen, childPaged);
      }
    }
  };
  walk(operation.selectionSet, 0, 1, '', new Set());
  return m;
}

/** The field nodes whose type is a list, found with the schema's type information. */
function listFieldsOf(schema: GraphQLSchema, definitions: (OperationDefinitionNode | FragmentDefinitionNode)[]): Set<FieldNode> {
  const found = new Set<FieldNode>();
  const typeInfo = new TypeInfo(schema);
  for (const def of definitions) {
    visit(def, visitWithTypeInfo(typeInfo, {
      Field(node) {
        const t = typeInfo.getType();
        if (t && isListType(getNullableType(t))) found.add(node);
      },
    }));
  }
  return found;
}
