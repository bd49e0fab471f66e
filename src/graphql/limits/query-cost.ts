import {
  FieldNode,
  FragmentDefinitionNode,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  OperationTypeNode,
  SchemaMetaFieldDef,
  SelectionSetNode,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  getNamedType,
  getNullableType,
  isInputType,
  isInterfaceType,
  isListType,
  isObjectType,
  typeFromAST,
  valueFromAST,
} from 'graphql';
import { limitWalkCounter } from './walk-counter';

/** What an operation would cost to run, measured before it runs. */
export interface OperationMeasure {
  /** Deepest nesting of data fields (paths through `__schema`/`__type` are counted in `introspectionDepth`). */
  depth: number;
  /** Fields given an alias. */
  aliases: number;
  /** Estimated rows touched: each field counts once per parent row, lists multiply by their page size. */
  cost: number;
  /** Largest page (`first`/`last`, as given or by default) asked for. */
  largestPage: number;
  /** Where the largest page was asked for. */
  largestPagePath?: string;
  /** Deepest path through `__schema` or `__type`, counted from the operation's root. */
  introspectionDepth: number;
  /** Estimated introspection objects resolved. */
  introspectionCost: number;
}

/** Rows assumed for a list field without a page argument. */
const DEFAULT_LIST_SIZE = 10;

/**
 * Fields that cost more than one row per parent row: they scan the caller's
 * whole jurisdiction (aggregates, previews) — costed as a province's
 * register, whatever the page asked for.
 */
export const SCAN_COST = 5_000;

/** A health report for a past date or instant: recomputed from the records, not read from the stored score. */
export const RECOMPUTE_COST = 50;

/** Fields that scan the caller's jurisdiction (or a division of it) in one statement per part. */
const SCANNING_FIELDS = new Set(['Query.enterpriseFacets', 'Query.ruleSetPreview', 'Query.warningCounts', 'Query.supervisionStats']);

/** Cost of one resolution of `Type.field`, beyond the rows its children touch; 1 unless listed. */
function fieldCost(parent: GraphQLNamedType, field: FieldNode): number {
  const key = `${parent.name}.${field.name.value}`;
  if (SCANNING_FIELDS.has(key)) return SCAN_COST;
  if (key === 'Enterprise.healthReport' && field.arguments?.some((a) => a.name.value === 'asOf' || a.name.value === 'knownAt')) return RECOMPUTE_COST;
  return 1;
}

/** The measure of one selection set (or fragment), relative to where it is spread. */
interface Part {
  depth: number;
  introspectionDepth: number;
  aliases: number;
  cost: number;
  introspectionCost: number;
  largestPage: number;
  largestPagePath?: string;
}

const EMPTY: Part = { depth: 0, introspectionDepth: 0, aliases: 0, cost: 0, introspectionCost: 0, largestPage: 0 };

function fieldDefOf(schema: GraphQLSchema, parent: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === '__schema') return SchemaMetaFieldDef;
    if (name === '__type') return TypeMetaFieldDef;
  }
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/**
 * The page size a field asks for: the larger of `first` and `last` as given
 * literally, by a variable, or by the variable's or the argument's default
 * (`first` has a default of 50 that a `last` overrides); else the default page.
 */
function pageArg(def: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): number | undefined {
  let page: number | undefined;
  for (const name of ['first', 'last']) {
    const argDef = def.args.find((a) => a.name === name);
    if (!argDef) continue;
    const argNode = node.arguments?.find((a) => a.name.value === name);
    let value: unknown;
    if (!argNode) value = argDef.defaultValue;
    else if (argNode.value.kind === Kind.VARIABLE)
      value = variables[argNode.value.name.value] === undefined ? argDef.defaultValue : variables[argNode.value.name.value];
    else value = valueFromAST(argNode.value, argDef.type, variables);
    if (typeof value === 'number') page = Math.max(page ?? 0, value);
  }
  if (page !== undefined) return page;
  // A connection asked for without a page size gets the services' default page, not one row.
  return def.args.some((a) => a.name === 'first' || a.name === 'last') ? DEFAULT_CONNECTION_PAGE : undefined;
}

/** The page a connection's service returns when neither `first` nor `last` is given. */
export const DEFAULT_CONNECTION_PAGE = 50;

/** The variables as execution will see them: given values, else the operation's defaults. */
function effectiveVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...given };
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    if (out[name] !== undefined || !def.defaultValue) continue;
    const type = typeFromAST(schema, def.type);
    out[name] = type && isInputType(type) ? valueFromAST(def.defaultValue, type) : undefined;
  }
  return out;
}

function join(prefix: string, rest: string | undefined): string | undefined {
  if (rest === undefined) return undefined;
  return prefix ? (rest ? `${prefix}.${rest}` : prefix) : rest;
}

/**
 * Measures depth, aliases, page sizes and an estimated cost of the operation,
 * following fragments. Used to refuse hostile or careless queries with a
 * message naming the limit, before any resolver runs.
 *
 * Linear in the document's size: each fragment is measured once (per paging
 * context) and its measure reused wherever it is spread, so a chain of
 * fragments each spreading the next twice costs one walk of each, not 2^n.
 * A fragment spread twice in one selection set is counted once, as execution
 * merges it; otherwise a spread counts in full (an upper bound).
 */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): OperationMeasure {
  const vars = effectiveVariables(schema, operation, variables);
  const memo = new Map<string, Part>();
  const inProgress = new Set<string>();

  const fragmentPart = (name: string, paged: boolean): Part => {
    const key = `${name}\u0000${paged}`;
    const known = memo.get(key);
    if (known) return known;
    const frag = fragments[name];
    const type = frag && schema.getType(frag.typeCondition.name.value);
    if (!frag || !type || inProgress.has(key)) return EMPTY; // unknown or cyclic: validation refuses the document
    inProgress.add(key);
    const part = setPart(frag.selectionSet, type, paged, new Set());
    inProgress.delete(key);
    memo.set(key, part);
    return part;
  };

  /** `spread`: fragments already counted at this level (execution runs a fragment once per selection set). */
  const setPart = (set: SelectionSetNode, parent: GraphQLNamedType, paged: boolean, spread: Set<string>): Part => {
    const out: Part = { ...EMPTY };
    const add = (p: Part, prefix: string) => {
      out.depth = Math.max(out.depth, p.depth);
      out.introspectionDepth = Math.max(out.introspectionDepth, p.introspectionDepth);
      out.aliases += p.aliases;
      out.cost += p.cost;
      out.introspectionCost += p.introspectionCost;
      if (p.largestPage > out.largestPage) {
        out.largestPage = p.largestPage;
        out.largestPagePath = join(prefix, p.largestPagePath);
      }
    };
    for (const sel of set.selections) {
      limitWalkCounter.visited++;
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        if (spread.has(sel.name.value)) continue;
        spread.add(sel.name.value);
        add(fragmentPart(sel.name.value, paged), '');
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        if (type) add(setPart(sel.selectionSet, type, paged, spread), '');
        continue;
      }
      const name = sel.name.value;
      const here = sel.alias?.value ?? name;
      const def = fieldDefOf(schema, parent, name);
      const introspection = name === '__schema' || name === '__type';
      const field: Part = { ...EMPTY, aliases: sel.alias ? 1 : 0 };
      let own = def ? fieldCost(parent, sel) : 1;
      if (def && sel.selectionSet) {
        const isList = isListType(getNullableType(def.type));
        const page = pageArg(def, sel, vars);
        // A connection's page already counts its rows: the edges list inside it does not multiply again.
        let size = 1;
        let childPaged = false;
        if (page !== undefined) {
          size = Math.max(page, 1);
          childPaged = !isList;
          field.largestPage = page;
          field.largestPagePath = '';
        } else if (isList) {
          size = paged ? 1 : DEFAULT_LIST_SIZE;
        }
        const child = setPart(sel.selectionSet, getNamedType(def.type), childPaged, new Set());
        field.aliases += child.aliases;
        if (child.largestPage > field.largestPage) {
          field.largestPage = child.largestPage;
          field.largestPagePath = child.largestPagePath;
        }
        if (introspection) {
          field.introspectionDepth = 1 + Math.max(child.depth, child.introspectionDepth);
          field.introspectionCost = own + size * (child.cost + child.introspectionCost);
          own = 0;
        } else {
          field.depth = 1 + child.depth;
          field.introspectionDepth = child.introspectionDepth ? 1 + child.introspectionDepth : 0;
          field.cost = own + size * child.cost;
          field.introspectionCost = size * child.introspectionCost;
        }
        if (field.largestPagePath !== undefined) field.largestPagePath = join(here, field.largestPagePath);
      } else {
        field.depth = 1;
        field.cost = own;
      }
      add(field, '');
    }
    return out;
  };

  const root =
    operation.operation === OperationTypeNode.MUTATION
      ? schema.getMutationType()
      : operation.operation === OperationTypeNode.SUBSCRIPTION
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return { ...EMPTY };
  const part = setPart(operation.selectionSet, root, false, new Set());
  return {
    depth: part.depth,
    aliases: part.aliases,
    cost: part.cost,
    largestPage: part.largestPage,
    largestPagePath: part.largestPagePath,
    introspectionDepth: part.introspectionDepth,
    introspectionCost: part.introspectionCost,
  };
}
