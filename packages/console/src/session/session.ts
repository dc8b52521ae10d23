import { reactive, readonly } from 'vue';
import type { ApolloClient } from '@apollo/client';
import { LoginDocument, SessionDocument, type StaffAction, type StaffUserFragment } from '@reclaim/client/staff';

export interface TenantInfo {
  id: string;
  slug: string;
  name: string;
  locale: string;
  timeZone: string;
  /** ISO 4217; null until an admin sets it. */
  currency?: string | null;
  /** ISO 3166-1 alpha-2: the public holidays offered, and for RU the consumer-law deadlines. */
  country: string;
  numberPrefix: string;
  /** Whether the first admin confirmed their address (until then: no invitations, no mail in). */
  addressConfirmed: boolean;
  /** While unconfirmed: when the company is deleted with everything it holds if it still is (null: kept). */
  deletionIfUnconfirmedAt?: string | null;
  /** Days after closing within which a customer's mail is attached to the complaint and flagged. */
  mailAfterClosingDays?: number;
}

interface SessionState {
  token: string | null;
  /** The signed-in user, with what their roles allow across the company (`can`, from the server). */
  user: (StaffUserFragment & { can: StaffAction[] }) | null;
  tenant: TenantInfo | null;
  /** Set when the server refused the token; the sign-in page says so. */
  expired: boolean;
}

const STORAGE_KEY = 'reclaim.session';

/**
 * Who is signed in. The token is kept in localStorage (one tab signs in, the
 * others follow); roles and departments are read from the server at start,
 * never trusted from storage.
 */
export function createSession() {
  const state = reactive<SessionState>({ token: localStorage.getItem(STORAGE_KEY), user: null, tenant: null, expired: false });
  let apollo: ApolloClient | null = null;
  let restoring: Promise<void> | null = null;
  const listeners = new Set<() => void>();

  function clear(expired: boolean) {
    const wasSignedIn = state.token !== null;
    state.token = null;
    state.user = null;
    state.tenant = null;
    state.expired = expired && wasSignedIn;
    localStorage.removeItem(STORAGE_KEY);
    restoring = null;
    if (wasSignedIn) for (const fn of listeners) fn();
  }

  return {
    state: readonly(state) as Readonly<SessionState>,
    attach(client: ApolloClient) {
      apollo = client;
    },
    /** Called whenever the session ends (sign-out or a refused token). */
    onEnd(fn: () => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    get signedIn() {
      return state.token !== null && state.user !== null;
    },
    /** Whether the server says the user's roles allow `action` (docs/roles.md). */
    may(action: StaffAction) {
      return !!state.user && state.user.can.includes(action);
    },
    async signIn(tenantSlug: string, email: string, password: string) {
      const { data } = await apollo!.mutate({ mutation: LoginDocument, variables: { input: { tenantSlug, email, password } } });
      this.adopt(data!.login);
    },
    /** Takes the session a sign-in, an accepted invitation or a password reset gave. */
    adopt(login: { token: string; user: StaffUserFragment & { can: StaffAction[] }; tenant: TenantInfo }) {
      state.token = login.token;
      state.user = login.user;
      state.tenant = login.tenant;
      state.expired = false;
      localStorage.setItem(STORAGE_KEY, login.token);
      restoring = Promise.resolve();
    },
    /** Loads the user behind a stored token (once); a refused token signs out. */
    restore(): Promise<void> {
      if (!state.token) return Promise.resolve();
      restoring ??= apollo!
        .query({ query: SessionDocument, fetchPolicy: 'network-only' })
        .then(({ data }) => {
          state.user = data!.me;
          state.tenant = data!.tenant;
        })
        .catch(() => clear(true));
      return restoring;
    },
    signOut() {
      clear(false);
    },
    expire() {
      clear(true);
    },
    setTenant(tenant: TenantInfo) {
      state.tenant = tenant;
    },
  };
}

export type Session = ReturnType<typeof createSession>;
