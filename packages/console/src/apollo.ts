import { inject, type InjectionKey } from 'vue';
import type { ReclaimClient } from '@reclaim/client';
import type { Session } from './session/session.js';

export const ClientKey: InjectionKey<ReclaimClient> = Symbol('reclaim-client');
export const SessionKey: InjectionKey<Session> = Symbol('reclaim-session');

export function useClient(): ReclaimClient {
  const client = inject(ClientKey);
  if (!client) throw new Error('the Reclaim client is not provided');
  return client;
}

export function useSession(): Session {
  const session = inject(SessionKey);
  if (!session) throw new Error('the session is not provided');
  return session;
}
