import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { GraphQLContext, type ServerDeps } from '../graphql/context.js';
import { badInput, formatError, rateLimited } from '../graphql/errors.js';
import { hiddenTextIn } from '../graphql/validation.js';
import { operationCost, queryLimits, type QueryLimits } from '../graphql/limits.js';
import { clientAddress, readBody, sendJson, HttpError } from './http-util.js';
import { log, requestScope } from '../ops/log.js';

/**
 * Marks the request failed on any error, so that its transaction is rolled
 * back. Apollo hands plugins a shallow copy of the context object, so a flag
 * set on that copy would never reach the handler; the unit of work is shared.
 */
const rollbackOnError: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue }) {
        contextValue.uow.failed = true;
      },
    };
  },
};

/**
 * Requests refused before they ran (parse and validation errors, the query
 * limits) count against their caller's request limit, like any other.
 */
const countRefusals: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async parsingDidStart({ contextValue }) {
        return async (err) => {
          if (err) await contextValue.countRefused();
        };
      },
      async validationDidStart({ contextValue }) {
        return async (errors) => {
          if (errors?.length) await contextValue.countRefused();
        };
      },
    };
  },
};

/** Text with hidden characters is refused in every input, before anything runs (see hasHiddenCharacters). */
const refuseHiddenText: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document }) {
        const where = hiddenTextIn(request.variables, document);
        if (where) {
          // A variable's path names the field, so that forms can show the problem on it.
          const fields = where.startsWith('$') ? [{ field: where.slice(1), reason: 'INVISIBLE_CHARACTERS' }] : [];
          throw badInput(`${where} contains control or invisible characters (zero-width, bidi controls); remove them`, {
            reason: 'INVISIBLE_CHARACTERS',
            fields,
            http: { status: 400 },
          });
        }
      },
    };
  },
};

/**
 * A request's cost, as the query limits count it, goes with its unit of work:
 * a company's requests may hold only so much cost at once (DB_COMPANY_COST),
 * so a few costly queries cannot take the node's CPU from other companies.
 * Staff requests only: a portal visitor holding one complaint's token must
 * not be able to use up that company's share.
 */
const weighRequests: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, document, operation, schema, request }) {
        if (operation) contextValue.uow.weight = operationCost(schema, document, operation, request.variables);
      },
    };
  },
};

/**
 * Names the request's operation in its log scope (and so in its log lines
 * and metrics) as its type and first root field, a name from the schema:
 * "mutation moveComplaint". Counts the answer's errors by code.
 */
const observe = (countErrors?: (codes: string[]) => void): ApolloServerPlugin<GraphQLContext> => ({
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        const scope = requestScope();
        const first = operation?.selectionSet.selections.find((s) => s.kind === 'Field');
        if (scope && operation && first?.kind === 'Field') scope.operation = `${operation.operation} ${first.name.value}`;
      },
      async willSendResponse({ response }) {
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        if (errors?.length) countErrors?.(errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')));
      },
    };
  },
});

export interface GraphQLEndpoint {
  apollo: ApolloServer<GraphQLContext>;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/**
 * One GraphQL endpoint on plain node:http. Each request runs in one
 * transaction (opened lazily by the resolvers that need the database),
 * committed after execution if there were no errors, rolled back otherwise.
 */
export async function createGraphQLEndpoint(
  schema: GraphQLSchema,
  deps: ServerDeps,
  options: {
    production: boolean;
    maxBodyBytes?: number;
    limits?: Partial<QueryLimits>;
    /** Introspection and "did you mean" suggestions (GRAPHQL_INTROSPECTION); default: outside production. */
    graphqlIntrospection?: boolean;
    /** GRAPHQL_BODY_TIMEOUT_MS. */
    graphqlBodyTimeoutMs?: number;
    /** Requests count their cost against their company's cost share (staff; see weighRequests). */
    weighed?: boolean;
    /** Told the error codes of each answer that has errors (metrics). */
    countErrors?: (codes: string[]) => void;
  },
): Promise<GraphQLEndpoint> {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const introspection = options.graphqlIntrospection ?? !options.production;
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError: (formatted, error) => formatError(formatted, error),
    validationRules: [queryLimits({ ...deps.queryLimits, ...options.limits })],
    parseOptions: { maxTokens: 5000 },
    introspection,
    hideSchemaDetailsFromClientErrors: !introspection,
    includeStacktraceInErrorResponses: !options.production,
    csrfPrevention: true,
    // main.ts handles SIGTERM/SIGINT (drain, close the pool); Apollo must not race it.
    stopOnTerminationSignals: false,
    // Cache hints are unused (responses are per user); the default plugin wraps every field resolver.
    plugins: [
      observe(options.countErrors),
      rollbackOnError,
      countRefusals,
      refuseHiddenText,
      ...(options.weighed ? [weighRequests] : []),
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const address = clientAddress(req, deps.trustedProxies);
    // An anonymous caller past its limit is refused before its body is read or parsed.
    if (!req.headers.authorization && !(await deps.anonymousLimiter.peek(address)).allowed) {
      return sendJson(res, 429, { errors: [{ message: rateLimited().message, extensions: { code: 'RATE_LIMITED' } }] });
    }
    let body: unknown;
    try {
      body = req.method === 'POST' ? await readBody(req, maxBodyBytes, options.graphqlBodyTimeoutMs ?? 30_000) : undefined;
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 400;
      // The rest of a late body is not waited for.
      if (status === 408) res.setHeader('connection', 'close');
      return sendJson(res, status, { errors: [{ message: (err as Error).message, extensions: { code: 'BAD_USER_INPUT' } }] });
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const context = new GraphQLContext(deps, req.headers.authorization, address);
    let response;
    try {
      response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => context,
      });
    } catch (err) {
      await context.uow.finish(false).catch(() => undefined);
      throw err;
    }
    try {
      await context.uow.finish(!context.uow.failed);
    } catch (err) {
      log.error({ err }, 'commit failed');
      return sendJson(res, 500, {
        errors: [{ message: 'the change could not be saved; try again', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      });
    }
    res.statusCode = response.status ?? 200;
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  return { apollo, handle };
}
