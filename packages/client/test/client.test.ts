import { describe, expect, it, vi } from 'vitest';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import {
  ExportError,
  UploadError,
  createReclaimClient,
  describeError,
  downloadExport,
  exportPath,
  uploadFile,
  wsUrlFor,
} from '../src/index.js';
import { SessionDocument } from '../src/staff/index.js';

/** Records the sockets the client opens (Node 20 has no WebSocket of its own). */
const opened: string[] = [];
class FakeSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  constructor(url: string) {
    opened.push(url);
  }
}

function jsonResponse(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
}

describe('wsUrlFor', () => {
  it('derives the socket URL from the page and the endpoint', () => {
    expect(wsUrlFor('/graphql', { protocol: 'http:', host: 'localhost:4000' })).toBe('ws://localhost:4000/graphql');
    expect(wsUrlFor('/portal/graphql', { protocol: 'https:', host: 'reclaim.example' })).toBe('wss://reclaim.example/portal/graphql');
    expect(wsUrlFor('https://api.example/graphql')).toBe('wss://api.example/graphql');
    expect(() => wsUrlFor('/graphql')).toThrow(/page location/);
  });
});

describe('describeError', () => {
  it('reads code, reason, fields and the current version from a GraphQL error', () => {
    const error = new CombinedGraphQLErrors({
      errors: [{ message: 'stale', extensions: { code: 'CONFLICT', currentVersion: 7 } }],
    });
    expect(describeError(error)).toMatchObject({ code: 'CONFLICT', currentVersion: 7, fields: [] });
    const input = new CombinedGraphQLErrors({
      errors: [
        {
          message: 'missing',
          extensions: { code: 'BAD_USER_INPUT', reason: 'STAGE_REQUIREMENTS', fields: [{ field: 'rootCause', reason: 'REQUIRED' }] },
        },
      ],
    });
    expect(describeError(input)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'STAGE_REQUIREMENTS', fields: [{ field: 'rootCause' }] });
  });

  it('calls anything that is not a GraphQL error a network problem', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toMatchObject({ code: 'NETWORK', message: 'Failed to fetch' });
  });
});

describe('createReclaimClient', () => {
  it('sends the token on HTTP and reports a refused token', async () => {
    const onUnauthenticated = vi.fn();
    const seen: (string | null)[] = [];
    const fetchImpl = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new Headers(init?.headers).get('authorization'));
      return jsonResponse({ errors: [{ message: 'token expired', extensions: { code: 'UNAUTHENTICATED' } }] });
    });
    const client = createReclaimClient({
      httpUrl: 'http://127.0.0.1:1/graphql',
      getToken: () => 'abc',
      onUnauthenticated,
      fetch: fetchImpl as typeof fetch,
      webSocketImpl: FakeSocket,
    });
    await expect(client.apollo.query({ query: SessionDocument, fetchPolicy: 'network-only' })).rejects.toSatisfy(
      (e) => describeError(e).code === 'UNAUTHENTICATED',
    );
    expect(seen).toEqual(['Bearer abc']);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    client.dispose();
  });

  it('reports network failures separately from GraphQL errors', async () => {
    const onNetworkError = vi.fn();
    const onUnauthenticated = vi.fn();
    const client = createReclaimClient({
      httpUrl: 'http://127.0.0.1:1/graphql',
      onNetworkError,
      onUnauthenticated,
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
      webSocketImpl: FakeSocket,
    });
    await expect(client.apollo.query({ query: SessionDocument, fetchPolicy: 'network-only' })).rejects.toThrow();
    expect(onNetworkError).toHaveBeenCalledTimes(1);
    expect(onUnauthenticated).not.toHaveBeenCalled();
    client.dispose();
  });

  it('does not open a socket before the first subscription', () => {
    opened.length = 0;
    const client = createReclaimClient({ httpUrl: 'http://127.0.0.1:1/graphql', webSocketImpl: FakeSocket });
    expect(client.socket.connected).toBe(false);
    expect(opened).toEqual([]);
    client.dispose();
  });
});

describe('exportPath', () => {
  it("addresses the list by default and an analysis table by name, with the query's arguments", () => {
    expect(exportPath({ format: 'csv', filter: { stages: ['ANALYSIS'] }, lang: 'ru' })).toBe(
      `/exports/complaints.csv?filter=${encodeURIComponent('{"stages":["ANALYSIS"]}')}&lang=ru`,
    );
    const path = exportPath({
      format: 'xlsx',
      table: 'analysis/pareto',
      filter: { from: 'a', to: 'b' },
      options: { by: 'CAUSE', measure: 'COUNT', withinDays: undefined },
      lang: 'en',
    });
    const url = new URL(path, 'http://x');
    expect(url.pathname).toBe('/exports/analysis/pareto.xlsx');
    const params: Record<string, string> = {};
    url.searchParams.forEach((value, key) => {
      params[key] = value;
    });
    expect(params).toEqual({ filter: '{"from":"a","to":"b"}', by: 'CAUSE', measure: 'COUNT', lang: 'en' });
  });
});

/** An XMLHttpRequest that answers every request with `status` and `body` (Node has none of its own). */
function answeringXhr(status: number, body: string | null) {
  return class {
    status = 0;
    responseText = '';
    upload: { onprogress?: unknown } = {};
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    open() {}
    setRequestHeader() {}
    send() {
      queueMicrotask(() => {
        if (body === null) return this.onerror?.();
        this.status = status;
        this.responseText = body;
        this.onload?.();
      });
    }
  };
}

describe('refusals of the routes beside GraphQL, read as GraphQL errors are', () => {
  const photo = new File([new Uint8Array(10)], 'photo.jpg', { type: 'image/jpeg' });
  const refusal = async (status: number, body: string | null) => {
    vi.stubGlobal('XMLHttpRequest', answeringXhr(status, body));
    try {
      return await uploadFile({ url: '/uploads', file: photo }).then(
        () => null,
        (e: unknown) => e as UploadError,
      );
    } finally {
      vi.unstubAllGlobals();
    }
  };

  it('an upload refused for a limit gives its code and reason, not only its status', async () => {
    const e = await refusal(
      429,
      JSON.stringify({
        error: {
          code: 'RATE_LIMITED',
          reason: 'PENDING_UPLOADS',
          message: 'too many files uploaded and not yet sent',
          retryAfterSeconds: 30,
        },
      }),
    );
    expect(e).toBeInstanceOf(UploadError);
    expect(e!.problem).toMatchObject({ code: 'RATE_LIMITED', reason: 'PENDING_UPLOADS', retryAfterSeconds: 30 });
    expect(e!.refusal).toBeNull();
  });

  it('an upload refused for the file itself says which refusal, from the reason or, behind a proxy, the status', async () => {
    expect(
      (await refusal(415, JSON.stringify({ error: { code: 'BAD_USER_INPUT', reason: 'UNSUPPORTED_TYPE', message: 'not accepted' } })))!
        .refusal,
    ).toBe('type');
    expect(
      (await refusal(400, JSON.stringify({ error: { code: 'BAD_USER_INPUT', reason: 'EMPTY_FILE', message: 'the file is empty' } })))!
        .refusal,
    ).toBe('empty');
    const proxied = await refusal(413, '<html>413 Request Entity Too Large</html>');
    expect(proxied).toMatchObject({
      refusal: 'tooLarge',
      problem: { code: 'BAD_USER_INPUT', reason: 'FILE_TOO_LARGE', message: 'HTTP 413' },
    });
  });

  it('an upload that reaches no server is a network problem', async () => {
    expect((await refusal(0, null))!.problem.code).toBe('NETWORK');
  });

  it('an export refused gives the same problem; an unknown code falls back on the status', async () => {
    const refused = (status: number, body: unknown) =>
      downloadExport({ format: 'csv', token: 't' }, (async () => new Response(JSON.stringify(body), { status })) as typeof fetch).catch(
        (e: unknown) => (e as ExportError).problem,
      );
    expect(await refused(429, { error: { code: 'RATE_LIMITED', reason: 'CONCURRENT_EXPORTS', message: 'wait' } })).toMatchObject({
      code: 'RATE_LIMITED',
      reason: 'CONCURRENT_EXPORTS',
    });
    expect(await refused(403, { error: { code: 'SOMETHING_NEW', message: 'no' } })).toMatchObject({ code: 'FORBIDDEN', message: 'no' });
    expect(await refused(502, null)).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', message: 'HTTP 502' });
  });
});
