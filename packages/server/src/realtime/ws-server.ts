import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GraphQLError,
  Kind,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  parse,
  print,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { GraphQLContext, type ServerDeps } from '../graphql/context.js';
import { AppError, codedError, reasoned } from '../graphql/errors.js';
import { queryLimits } from '../graphql/limits.js';
import { bearer, type TokenClaims } from '../auth/token.js';
import { clientAddress } from '../http/http-util.js';
import { feedsOf, type Feed } from './feeds.js';
import type { Subscriber, SubscriptionHub, SubscriptionRequest } from './hub.js';
import { Tally, over } from '../http/tally.js';
import { CloseCode, tooMany, type LiveLimits } from './live-limits.js';
import type { UnsentBytes } from './unsent-bytes.js';
import { FairQueue } from './fair-queue.js';

export interface SubscriptionEndpoint {
  path: string;
  /** Its subscriptions, each with its @LiveFeed. */
  schema: GraphQLSchema;
  /** Staff: a valid token in connection_init, or the socket is closed with 4403. */
  staff: boolean;
}

export interface SubscriptionServerOptions {
  deps: ServerDeps;
  hub: SubscriptionHub;
  endpoints: SubscriptionEndpoint[];
  limits: LiveLimits;
  unsent: UnsentBytes;
}

interface SocketState {
  token?: string;
  /** Whose socket it is, once signed in as staff. */
  staff?: { tenantId: string; userId: string };
  expiry?: NodeJS.Timeout;
  open: number;
}

interface HubArgs {
  ready: Promise<Subscriber>;
}

/** A signed-in staff socket, closed when its user's credentials change. */
interface StaffSocket {
  socket: WebSocket;
  credentialsVersion: number;
}

/**
 * graphql-ws on the HTTP server's port, at the same paths as the GraphQL
 * endpoints. Staff authenticate once in `connection_init` (token in
 * `authorization: "Bearer …"` or `token`), checked against the user's
 * current credentials in the database; each subscription is then checked
 * against the user's current roles and departments before it joins the hub.
 * Sockets are capped per client address (until signed in as staff), per
 * user and per company (close code 4429); subscriptions per socket, user,
 * address and company (RATE_LIMITED).
 */
export function attachSubscriptions(server: Server, options: SubscriptionServerOptions) {
  const { deps, hub, limits, unsent } = options;
  // The same rules as over HTTP.
  const rules = [...specifiedRules, queryLimits(deps.queryLimits)];
  const byPath = new Map<string, WebSocketServer>();
  const disposables: Array<{ dispose(): void | Promise<void> }> = [];
  /** Sockets not signed in as staff, per client address. */
  const anonymousByAddress = new Tally();
  const signedIn = new WeakSet<WebSocket>();
  const staffByUser = new Tally();
  const staffByTenant = new Tally();
  /** Signed-in sockets by `tenant/user`, for ending sessions. */
  const sessions = new Map<string, Set<StaffSocket>>();
  let accepting = true;
  /**
   * Subscribe messages wait here for their turn to be parsed and validated:
   * one per turn of the event loop, round-robin across companies (staff)
   * and client addresses (portal). A burst of thousands, which a socket
   * delivers in one read, would otherwise be parsed in one go while
   * everything else on the node waits.
   */
  const preparing = new FairQueue<() => void>({ slots: 1, quantum: 1, maxPending: 0 }, async (_key, [turn]) => {
    await new Promise((resolve) => setImmediate(resolve));
    turn!();
  });

  /** Checks the token and the caps, and counts the socket as its user's instead of its address's; false to refuse. */
  const signIn = async (socket: WebSocket, address: string, token: string, state: SocketState): Promise<boolean> => {
    let claims: TokenClaims;
    try {
      claims = await deps.tokens.verify(token);
    } catch {
      return false;
    }
    if (over(limits.socketsPerUser, staffByUser.get(claims.userId)) || over(limits.socketsPerTenant, staffByTenant.get(claims.tenantId))) {
      socket.close(CloseCode.TooManySockets, 'too many connections of this user or company');
      return false;
    }
    // Registered before the credentials are read: a change committed after the read is announced after it, and closes this socket.
    const key = `${claims.tenantId}/${claims.userId}`;
    const entry: StaffSocket = { socket, credentialsVersion: claims.credentialsVersion ?? 0 };
    let own = sessions.get(key);
    if (!own) sessions.set(key, (own = new Set()));
    own.add(entry);
    staffByUser.add(claims.userId);
    staffByTenant.add(claims.tenantId);
    signedIn.add(socket);
    anonymousByAddress.add(address, -1);
    socket.once('close', () => {
      own.delete(entry);
      if (!own.size && sessions.get(key) === own) sessions.delete(key);
      staffByUser.add(claims.userId, -1);
      staffByTenant.add(claims.tenantId, -1);
    });
    const gql = new GraphQLContext(deps, `Bearer ${token}`, address);
    try {
      await gql.staff();
      await gql.uow.finish(true);
    } catch {
      await gql.uow.finish(false).catch(() => undefined);
      return false;
    }
    // Gone while the token was checked: no timer to leave behind.
    if (socket.readyState !== socket.OPEN) return false;
    state.token = token;
    state.staff = { tenantId: claims.tenantId, userId: claims.userId };
    // A slow staff member's unsent bytes count against their own budget, not their office's shared address.
    unsent.track(socket, `user:${claims.userId}`);
    // The socket outlives nothing that the token does not: closed when it expires.
    const left = (claims.expiresAt ?? 0) - Date.now();
    state.expiry = setTimeout(() => socket.close(CloseCode.SessionEnded, 'token expired'), Math.max(0, Math.min(left, 2 ** 31 - 1)));
    state.expiry.unref();
    return true;
  };

  for (const endpoint of options.endpoints) {
    const feeds = feedsOf(endpoint.schema);
    const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
    const states = new WeakMap<object, SocketState>();
    const stateOf = (ctx: object) => {
      let s = states.get(ctx);
      if (!s) states.set(ctx, (s = { open: 0 }));
      return s;
    };
    const addressOf = (ctx: { extra: { request: IncomingMessage } }) => clientAddress(ctx.extra.request, deps.trustedProxies);
    const disposable = useServer<Record<string, unknown>>(
      {
        schema: endpoint.schema,
        connectionInitWaitTimeout: 5000,
        onConnect: async (ctx) => {
          if (!endpoint.staff) return true;
          const params = ctx.connectionParams ?? {};
          const token =
            bearer(
              typeof params.authorization === 'string'
                ? params.authorization
                : typeof params.Authorization === 'string'
                  ? params.Authorization
                  : null,
            ) ?? (typeof params.token === 'string' ? params.token : null);
          return token ? signIn(ctx.extra.socket, addressOf(ctx), token, stateOf(ctx)) : false;
        },
        onSubscribe: async (ctx, id, payload) => {
          const state = stateOf(ctx);
          const maxPerSocket = limits.subscriptionsPerSocket;
          if (over(maxPerSocket, state.open)) return [tooMany('subscriptions', maxPerSocket, 'per connection')];
          // The slot is taken before any waiting, so that a burst of subscribe messages cannot pass the limit together.
          state.open++;
          let release = () => {};
          const refuse = (errors: readonly GraphQLError[]) => {
            state.open--;
            release();
            return errors;
          };
          const address = addressOf(ctx);
          await new Promise<void>((turn) => preparing.offer(state.staff?.tenantId ?? `address:${address}`, turn));
          // Closed while it waited (a client that sent a burst and left): nothing to prepare, nobody to answer.
          const gone = () => ctx.extra.socket.readyState !== ctx.extra.socket.OPEN;
          if (gone()) return refuse([new AppError('BAD_USER_INPUT', 'the connection closed')]);
          const gql = new GraphQLContext(deps, state.token ? `Bearer ${state.token}` : undefined, address);
          const prepared = prepare(endpoint.schema, rules, payload.query, payload.operationName, payload.variables);
          if ('errors' in prepared) {
            await gql.countRefused();
            return refuse(prepared.errors.map(codedError));
          }
          const opener = feeds[prepared.field];
          if (!opener) return refuse([new AppError('BAD_USER_INPUT', `no such subscription: ${prepared.field}`)]);
          try {
            // Past a cap, refused before the feed is opened: a flood of refused subscriptions does no database work.
            // Its place under the caps is held while the feed opens (released just before joining, or on refusal).
            release = hub.precheck(
              { userId: state.staff?.userId ?? null, address },
              state.staff?.tenantId ?? null,
              prepared.normalised,
              prepared.coerced,
            );
          } catch (err) {
            await gql.countRefused();
            return refuse([codedError(err)]);
          }
          let feed: Feed;
          try {
            feed = await opener(gql, prepared.args);
            await gql.uow.finish(true);
          } catch (err) {
            await gql.uow.finish(false).catch(() => undefined);
            return refuse([codedError(err)]);
          }
          if (!accepting) return refuse([new AppError('INTERNAL_SERVER_ERROR', 'this server is shutting down; reconnect')]);
          if (gone()) return refuse([new AppError('BAD_USER_INPUT', 'the connection closed')]);
          const request: SubscriptionRequest = {
            schema: endpoint.schema,
            document: prepared.document,
            normalised: prepared.normalised,
            variables: payload.variables,
            coercedVariables: prepared.coerced,
          };
          let joined: ReturnType<SubscriptionHub['subscribe']>;
          release();
          try {
            // Results are written to the socket as `next` frames by the hub, serialised once per group.
            joined = hub.subscribe(request, feed, { id, socket: ctx.extra.socket }, { userId: feed.actor?.userId ?? null, address });
          } catch (err) {
            return refuse([codedError(err)]);
          }
          const hubArgs: HubArgs = { ready: joined.ready };
          return {
            schema: endpoint.schema,
            document: prepared.document,
            variableValues: payload.variables,
            contextValue: hubArgs,
          } satisfies ExecutionArgs;
        },
        subscribe: (args) => (args.contextValue as HubArgs).ready,
        onComplete: (ctx) => {
          stateOf(ctx).open--;
        },
        onClose: (ctx) => {
          clearTimeout(states.get(ctx)?.expiry);
        },
      },
      wss,
      12_000,
    );
    byPath.set(endpoint.path, wss);
    disposables.push(disposable);
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const wss = accepting ? byPath.get((req.url ?? '/').split('?')[0]!) : undefined;
    if (!wss) {
      socket.end(`HTTP/1.1 ${accepting ? '404 Not Found' : '503 Service Unavailable'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    const address = clientAddress(req, deps.trustedProxies);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Refused after the handshake, so that the client sees a close code it can act on.
      if (over(limits.socketsPerAddress, anonymousByAddress.get(address))) {
        ws.close(CloseCode.TooManySockets, 'too many connections from this address');
        return;
      }
      anonymousByAddress.add(address);
      unsent.track(ws, address);
      ws.once('close', () => {
        unsent.untrack(ws);
        // Signing in moved the socket from its address's count to its user's (see signIn).
        if (!signedIn.has(ws)) anonymousByAddress.add(address, -1);
      });
      wss.emit('connection', ws, req);
    });
  };
  server.on('upgrade', onUpgrade);

  return {
    socketCount: () => [...byPath.values()].reduce((n, wss) => n + wss.clients.size, 0),
    /** Closes (4403) the open sockets of a user whose credentials changed to `version`. */
    endSession(tenantId: string, userId: string, version: number): void {
      for (const s of sessions.get(`${tenantId}/${userId}`) ?? []) {
        if (s.credentialsVersion < version) s.socket.close(CloseCode.SessionEnded, 'session ended: sign in again');
      }
    },
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
  | { document: DocumentNode; normalised: string; field: string; args: Record<string, unknown>; coerced: Record<string, unknown> }
  | { errors: readonly GraphQLError[] };

/** Parses and validates a subscription, reads its one root field's arguments, and normalises it (see normalise). */
function prepare(
  schema: GraphQLSchema,
  rules: readonly ValidationRule[],
  query: string,
  operationName?: string | null,
  variables?: Record<string, unknown> | null,
): Prepared {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: 5000 });
  } catch (err) {
    return { errors: [new GraphQLError((err as Error).message, { extensions: reasoned('GRAPHQL_PARSE_FAILED') })] };
  }
  const invalid = validate(schema, document, rules);
  if (invalid.length) {
    // No "did you mean" hints here in any mode: subscriptions come from our clients, exploring goes over HTTP.
    return {
      errors: invalid.map(
        (e) =>
          new GraphQLError(e.message.replace(/ ?Did you mean(.+?)\?$/, ''), {
            extensions: { code: 'BAD_USER_INPUT', reason: e.extensions?.reason ?? 'GRAPHQL_VALIDATION_FAILED' },
          }),
      ),
    };
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
  return {
    ...normalise(document, operation),
    field,
    coerced: coerced.coerced,
    args: getArgumentValues(definition, node as FieldNode, coerced.coerced),
  };
}

/**
 * The operation alone, unnamed, with its fragments in name order, and its
 * printed text: documents that differ only in formatting, comments, the
 * operation's name or other operations beside it share one group. Aliases
 * stay: they shape the result, and each alias variant gets its own shape
 * (the caps on groups per company and per address bound how many variants
 * one caller can make).
 */
function normalise(document: DocumentNode, operation: OperationDefinitionNode): { document: DocumentNode; normalised: string } {
  const fragments = document.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
    .sort((a, b) => a.name.value.localeCompare(b.name.value));
  const normalisedDocument: DocumentNode = { kind: Kind.DOCUMENT, definitions: [{ ...operation, name: undefined }, ...fragments] };
  return { document: normalisedDocument, normalised: print(normalisedDocument) };
}
