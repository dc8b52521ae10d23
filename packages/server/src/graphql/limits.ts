import { GraphQLError, Kind, type ASTVisitor, type FieldNode, type ValidationContext, type ValidationRule } from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  /** Fields selected in one operation, fragments expanded: a rough cost bound. */
  maxFields: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 10, maxAliases: 30, maxFields: 400 };

const refuse = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', reason: 'QUERY_LIMIT' } });

/**
 * Refuses operations that are too deep, alias a field too often, select too
 * many fields, or run more than one mutation (each request is one
 * transaction; one mutation per request keeps "a failed mutation changes
 * nothing" true without partial results).
 */
export function queryLimits(limits: QueryLimits = DEFAULT_LIMITS): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(op) {
      let aliases = 0;
      let fields = 0;
      const visit = (selections: readonly import('graphql').SelectionNode[], depth: number, seen: Set<string>) => {
        if (depth > limits.maxDepth) throw refuse(`query is deeper than ${limits.maxDepth} levels`);
        for (const s of selections) {
          if (s.kind === Kind.FIELD) {
            fields += 1;
            if ((s as FieldNode).alias) aliases += 1;
            if (s.selectionSet) visit(s.selectionSet.selections, depth + 1, seen);
          } else if (s.kind === Kind.INLINE_FRAGMENT) {
            visit(s.selectionSet.selections, depth, seen);
          } else {
            const fragment = context.getFragment(s.name.value);
            if (fragment && !seen.has(s.name.value)) visit(fragment.selectionSet.selections, depth, new Set(seen).add(s.name.value));
          }
        }
      };
      try {
        visit(op.selectionSet.selections, 1, new Set());
        if (aliases > limits.maxAliases) throw refuse(`more than ${limits.maxAliases} aliases`);
        if (fields > limits.maxFields) throw refuse(`more than ${limits.maxFields} fields`);
        if (op.operation === 'mutation' && rootFields(op.selectionSet.selections, context) > 1) throw refuse('one mutation per request');
      } catch (err) {
        if (err instanceof GraphQLError) context.reportError(err);
        else throw err;
      }
      return false;
    },
  });
}

/** Root fields of an operation, with inline fragments and fragment spreads expanded. */
function rootFields(selections: readonly import('graphql').SelectionNode[], context: ValidationContext, seen = new Set<string>()): number {
  let n = 0;
  for (const s of selections) {
    if (s.kind === Kind.FIELD) n += s.name.value === '__typename' ? 0 : 1;
    else if (s.kind === Kind.INLINE_FRAGMENT) n += rootFields(s.selectionSet.selections, context, seen);
    else if (!seen.has(s.name.value)) {
      const fragment = context.getFragment(s.name.value);
      if (fragment) n += rootFields(fragment.selectionSet.selections, context, new Set(seen).add(s.name.value));
    }
  }
  return n;
}
