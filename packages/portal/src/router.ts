import { inject, shallowRef, type InjectionKey, type ShallowRef } from 'vue';

/**
 * The portal has four screens, so a router library would cost more than it
 * gives: the path names the company and the complaint, the fragment holds the
 * access token (a fragment never reaches the server's logs or a Referer).
 */
export type Route =
  | { name: 'none' }
  | { name: 'form'; slug: string }
  | { name: 'lookup'; slug: string; number: string }
  | { name: 'track'; slug: string; number: string; token: string }
  | { name: 'survey'; slug: string; token: string };

export const BASE = '/p/';

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function parseRoute(pathname: string, hash: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : '';
  const [slug, section, number] = rest.split('/').map(decode);
  if (!slug) return { name: 'none' };
  if (section === 'survey') return { name: 'survey', slug, token: decode(hash.replace(/^#/, '')).trim() };
  if (section !== 'track') return { name: 'form', slug };
  const token = decode(hash.replace(/^#/, '')).trim();
  if (number && token) return { name: 'track', slug, number, token };
  return { name: 'lookup', slug, number: number ?? '' };
}

export function formPath(slug: string): string {
  return `${BASE}${encodeURIComponent(slug)}/`;
}

export function trackPath(slug: string, number: string, token: string): string {
  return `${BASE}${encodeURIComponent(slug)}/track/${encodeURIComponent(number)}#${encodeURIComponent(token)}`;
}

/** The survey page of a one-time link, as the FEEDBACK mail gives it (modules/survey on the server). */
export function surveyPath(slug: string, token: string): string {
  return `${BASE}${encodeURIComponent(slug)}/survey#${encodeURIComponent(token)}`;
}

export interface PortalRouter {
  route: ShallowRef<Route>;
  push(path: string): void;
}

export const RouterKey: InjectionKey<PortalRouter> = Symbol('portal-router');

export function createPortalRouter(win: Window = window): PortalRouter {
  const read = () => parseRoute(win.location.pathname, win.location.hash);
  const route = shallowRef<Route>(read());
  const sync = () => {
    route.value = read();
  };
  win.addEventListener('popstate', sync);
  win.addEventListener('hashchange', sync);
  return {
    route,
    push(path) {
      win.history.pushState(null, '', path);
      sync();
      win.scrollTo?.(0, 0);
    },
  };
}

export function useRouter(): PortalRouter {
  const router = inject(RouterKey);
  if (!router) throw new Error('the portal router is not provided');
  return router;
}
