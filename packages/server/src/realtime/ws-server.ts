import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GraphQLError, getArgumentValues, getOperationAST, getVariableValues, parse, specifiedRules, validate,
  type DocumentNode, type ExecutionArgs, type FieldNode, type GraphQLSchema, type OperationDefinitionNode, type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { GraphQLContext, type ServerDeps } from '../graphql/context.js';
import { AppError, codedError } from '../graphql/errors.js';
import { queryLimits } from '../graphql/limits.js';
import { bearer } from '../auth/token.js';
import { clientAddress } from '../http/http-util.js';
import type { Feed, FeedOpener } from '../modules/complaint/complaint.feeds.js';
import type { DirectSink, SubscriptionHub, SubscriptionRequest } from './hub.js';

export interface SubscriptionEndpoint {
  path: string;
  schema: GraphQLSchema;
  feeds: Record<string, FeedOpener>;
  /** Staff: a valid token in connection_init, or the socket is closed with 4403. */
  staff: boolean;
}

export interface SubscriptionServerOptions {
  deps: ServerDeps;
  hub: SubscriptionHub;
  endpoints: SubscriptionEndpoint[];
  maxSubscriptionsPerSocket?: number;
}

interface SocketState {
  token?: string;
  expiry?: NodeJS.Timeout;
  open: number;
}

interface HubArgs {
  request: SubscriptionRequest;
  feed: Feed;
  sink: DirectSink;
}

/**
 * graphql-ws on the HTTP server's port, at the same paths as the GraphQL
 * endpoints. Staff authenticate once in `connection_init` (token in
 * `authorization: "Bearer …"` or `token`); each subscription is then checked
 * against the user's current roles and departments, read from the database,
 * before it joins the hub.
 */
export function attachSubscriptions(server: Server, options: SubscriptionServerOptions) {
  const { deps, hub } = options;
  // The same rules as over HTTP.
  const rules = [...specifiedRules, queryLimits(deps.queryLimits)];
  const maxPerSocket = options.maxSubscriptionsPerSocket ?? 50;
  const byPath = new Map<string, WebSocketServer>();
  const disposables: Array<{ dispose(): void | Promise<void> }> = [];
  let accepting = true;

  for (const endpoint of options.endpoints) {
    const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
    const states = new WeakMap<object, SocketState>();
    const stateOf = (ctx: object) => {
      let s = states.get(ctx);
      if (!s) states.set(ctx, (s = { open: 0 }));
      return s;
    };
    const disposable = useServer<Record<string, unknown>>({
      schema: endpoint.schema,
      connectionInitWaitTimeout: 5000,
      onConnect: async (ctx) => {
        if (!endpoint.staff) return true;
        const params = ctx.connectionParams ?? {};
        const token = bearer(typeof params.authorization === 'string' ? params.authorization : typeof params.Authorization === 'string' ? params.Authorization : null)
          ?? (typeof params.token === 'string' ? params.token : null);
        if (!token) return false;
        try {
          const claims = await deps.tokens.verify(token);
          // Gone while the token was checked: no timer to leave behind.
          if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
          const state = stateOf(ctx);
          state.token = token;
          // The socket outlives nothing that the token does not: closed when it expires.
          const left = (claims.expiresAt ?? 0) - Date.now();
          state.expiry = setTimeout(() => ctx.extra.socket.close(4403, 'token expired'), Math.max(0, Math.min(left, 2 ** 31 - 1)));
          state.expiry.unref();
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const state = stateOf(ctx);
        if (state.open >= maxPerSocket) return [new AppError('RATE_LIMITED', `at most ${maxPerSocket} subscriptions per connection`)];
        // The slot is taken before any waiting, so that a burst of subscribe messages cannot pass the limit together.
        state.open++;
        const refuse = (errors: readonly GraphQLError[]) => {
          state.open--;
          return errors;
        };
        const gql = new GraphQLContext(deps, state.token ? `Bearer ${state.token}` : undefined, clientAddress(ctx.extra.request, deps.trustedProxies));
        const prepared = prepare(endpoint.schema, rules, payload.query, payload.operationName, payload.variables);
        if ('errors' in prepared) {
          await gql.countRefused();
          return refuse(prepared.errors.map(codedError));
        }
        const opener = endpoint.feeds[prepared.field];
        if (!opener) return refuse([new AppError('BAD_USER_INPUT', `no such subscription: ${prepared.field}`)]);
        let feed: Feed;
        try {
          feed = await opener(gql, prepared.args);
          await gql.uow.finish(true);
        } catch (err) {
          await gql.uow.finish(false).catch(() => undefined);
          return refuse([codedError(err)]);
        }
        if (!accepting) return refuse([new AppError('INTERNAL_SERVER_ERROR', 'this server is shutting down; reconnect')]);
        const request: SubscriptionRequest = {
          schema: endpoint.schema, document: prepared.document, query: payload.query,
          operationName: payload.operationName, variables: payload.variables,
        };
        // Results are written to the socket as `next` frames by the hub, serialised once per group.
        const hubArgs: HubArgs = { request, feed, sink: { id, socket: ctx.extra.socket } };
        return {
          schema: endpoint.schema, document: prepared.document, operationName: payload.operationName,
          variableValues: payload.variables, contextValue: hubArgs,
        } satisfies ExecutionArgs;
      },
      subscribe: (args) => {
        const { request, feed, sink } = args.contextValue as HubArgs;
        return hub.subscribe(request, feed, sink);
      },
      onComplete: (ctx) => {
        stateOf(ctx).open--;
      },
      onClose: (ctx) => {
        clearTimeout(states.get(ctx)?.expiry);
      },
    }, wss, 12_000);
    byPath.set(endpoint.path, wss);
    disposables.push(disposable);
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const wss = accepting ? byPath.get((req.url ?? '/').split('?')[0]!) : undefined;
    if (!wss) {
      socket.end(`HTTP/1.1 ${accepting ? '404 Not Found' : '503 Service Unavailable'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  return {
    socketCount: () => [...byPath.values()].reduce((n, wss) => n + wss.clients.size, 0),
    /** Refuses new sockets and subscriptions; ends every subscription and closes every socket (1001). */
    async close(): Promise<void> {
      accepting = false;
      hub.endAll();
      // Lets the `complete` messages go out before the sockets close.
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Closing (1001) waits for each peer's close frame; a peer that never answers is cut after a second.
      const disposed = Promise.all(disposables.map(async (d) => d.dispose()));
      const cut = setTimeout(() => {
        for (const wss of byPath.values()) for (const client of wss.clients) client.terminate();
      }, 1000);
      await disposed;
      clearTimeout(cut);
      server.off('upgrade', onUpgrade);
    },
  };
}

type Prepared =
  | { document: DocumentNode; field: string; args: Record<string, unknown> }
  | { errors: readonly GraphQLError[] };

/** Parses and validates a subscription, and reads its one root field's arguments. */
function prepare(schema: GraphQLSchema, rules: readonly ValidationRule[], query: string, operationName?: string | null, variables?: Record<string, unknown> | null): Prepared {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: 5000 });
  } catch (err) {
    return { errors: [new GraphQLError((err as Error).message, { extensions: { code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' } })] };
  }
  const invalid = validate(schema, document, rules);
  if (invalid.length) {
    // No "did you mean" hints here in any mode: subscriptions come from our clients, exploring goes over HTTP.
    return { errors: invalid.map((e) => new GraphQLError(e.message.replace(/ ?Did you mean(.+?)\?$/, ''), { extensions: { code: 'BAD_USER_INPUT', reason: e.extensions?.reason ?? 'GRAPHQL_VALIDATION_FAILED' } })) };
  }
  const operation = getOperationAST(document, operationName) as OperationDefinitionNode | null;
  if (!operation) return { errors: [new AppError('BAD_USER_INPUT', 'name the operation to run (operationName)')] };
  if (operation.operation !== 'subscription') {
    return { errors: [new AppError('BAD_USER_INPUT', 'only subscriptions go over WebSocket; send queries and mutations by HTTP POST')] };
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return { errors: coerced.errors.map((e) => new GraphQLError(e.message, { extensions: { code: 'BAD_USER_INPUT' } })) };
  // Validation guarantees exactly one root field, and no fragments hiding a second one.
  const node = operation.selectionSet.selections[0];
  if (!node || node.kind !== 'Field') return { errors: [new AppError('BAD_USER_INPUT', 'select the subscription field directly')] };
  const field = (node as FieldNode).name.value;
  const definition = schema.getSubscriptionType()?.getFields()[field];
  if (!definition) return { errors: [new AppError('BAD_USER_INPUT', `no such subscription: ${field}`)] };
  return { document, field, args: getArgumentValues(definition, node as FieldNode, coerced.coerced) };
}

