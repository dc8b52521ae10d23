import { inject, shallowRef, type InjectionKey, type ShallowRef } from 'vue';

/**
 * The portal has three screens, so a router library would cost more than it
 * gives: the path names the company and the complaint, the fragment holds the
 * access token (a fragment never reaches the server's logs or a Referer).
 */
export type Route =
  | { name: 'none' }
  | { name: 'form'; slug: string }
  | { name: 'lookup'; slug: string; number: string }
  | { name: 'track'; slug: string; number: string; token: string };

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
