import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient, type Client as WsClient } from 'graphql-ws';

/** Close codes of the server's graphql-ws endpoint that mean "the token is not accepted". */
const AUTH_CLOSE_CODES = new Set([4401, 4403]);

export interface ReclaimClientOptions {
  /** `/graphql` or `/portal/graphql`, absolute or relative to the page. */
  httpUrl: string;
  /** `ws(s)://host/graphql`; derived from `httpUrl` and the page's location when absent. */
  wsUrl?: string;
  /** The staff token; sent as `Authorization` on HTTP and in `connection_init`. The portal has none. */
  getToken?: () => string | null;
  /** The server refused the token (UNAUTHENTICATED over HTTP, 4401/4403 on the socket). */
  onUnauthenticated?: () => void;
  /** A request failed below GraphQL (offline, server down). */
  onNetworkError?: (error: unknown) => void;
  /** The subscription socket (re)connected or dropped. */
  onSocketChange?: (connected: boolean) => void;
  fetch?: typeof fetch;
  webSocketImpl?: unknown;
}

/**
 * Tells the caller when subscriptions opened on the socket are live, so that a
 * view can subscribe first and fetch afterwards (and fetch again after each
 * reconnect: the server keeps no resume point, so what happened while the
 * socket was down is only found by fetching).
 */
export interface SocketState {
  readonly connected: boolean;
  /** Runs `fn` once the socket is connected (on the next tick if it already is) and after every reconnect; returns the unsubscriber. */
  onReady(fn: () => void): () => void;
}

export interface ReclaimClient {
  apollo: ApolloClient;
  ws: WsClient;
  socket: SocketState;
  /** Closes the socket and clears the cache (sign-out). */
  reset(): Promise<void>;
  dispose(): void;
}

export function wsUrlFor(httpUrl: string, location?: { protocol: string; host: string }): string {
  if (/^wss?:/.test(httpUrl)) return httpUrl;
  if (/^https?:/.test(httpUrl)) return httpUrl.replace(/^http/, 'ws');
  if (!location) throw new Error('a relative httpUrl needs the page location to derive the WebSocket URL');
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${httpUrl}`;
}

export function createReclaimClient(options: ReclaimClientOptions): ReclaimClient {
  const location = typeof window !== 'undefined' ? window.location : undefined;
  const wsUrl = options.wsUrl ?? wsUrlFor(options.httpUrl, location);
  let connected = false;
  const readyListeners = new Set<() => void>();

  const ws = createClient({
    url: wsUrl,
    lazy: true,
    lazyCloseTimeout: 3_000,
    keepAlive: 20_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    webSocketImpl: options.webSocketImpl,
    connectionParams: () => {
      const token = options.getToken?.();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    shouldRetry: (event) => !(isCloseEvent(event) && AUTH_CLOSE_CODES.has(event.code)),
    on: {
      connected: () => {
        connected = true;
        options.onSocketChange?.(true);
        for (const fn of [...readyListeners]) fn();
      },
      closed: (event) => {
        const wasConnected = connected;
        connected = false;
        if (wasConnected) options.onSocketChange?.(false);
        if (isCloseEvent(event) && AUTH_CLOSE_CODES.has(event.code)) options.onUnauthenticated?.();
      },
    },
  });

  const auth = new SetContextLink((prev) => {
    const token = options.getToken?.();
    return token ? { headers: { ...prev.headers, authorization: `Bearer ${token}` } } : {};
  });

  const errors = new ErrorLink(({ error }) => {
    if (CombinedGraphQLErrors.is(error)) {
      if (error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) options.onUnauthenticated?.();
    } else {
      options.onNetworkError?.(error);
    }
  });

  const http = new HttpLink({ uri: options.httpUrl, fetch: options.fetch });
  const transport = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(ws),
    auth.concat(http),
  );

  const apollo = new ApolloClient({
    link: ApolloLink.from([errors, transport]),
    cache: new InMemoryCache(),
    defaultOptions: {
      watchQuery: { fetchPolicy: 'cache-and-network' },
    },
  });

  const socket: SocketState = {
    get connected() {
      return connected;
    },
    onReady(fn) {
      readyListeners.add(fn);
      let pending: ReturnType<typeof setTimeout> | undefined;
      // The subscription's `subscribe` message goes out as soon as the socket is
      // up; a fetch one tick later is sent after it.
      if (connected) pending = setTimeout(() => readyListeners.has(fn) && fn(), 0);
      return () => {
        readyListeners.delete(fn);
        if (pending) clearTimeout(pending);
      };
    },
  };

  return {
    apollo,
    ws,
    socket,
    async reset() {
      ws.terminate();
      await apollo.clearStore();
    },
    dispose() {
      readyListeners.clear();
      void ws.dispose();
      apollo.stop();
    },
  };
}

function isCloseEvent(event: unknown): event is { code: number; reason: string } {
  return typeof event === 'object' && event !== null && 'code' in event && typeof (event as { code: unknown }).code === 'number';
}
