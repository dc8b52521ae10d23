import { reactive } from 'vue';
import type { TrackingLinkPartsFragment } from '@reclaim/client/staff';

/**
 * Tracking links issued in this tab, by complaint id. The server keeps only a
 * hash of a link's token, so a link can be shown only by the page that got
 * it (after registering, or after issuing a new one); it lives here, in
 * memory, until the tab is closed or reloaded, and is never stored.
 */
const issued = reactive(new Map<string, IssuedLink>());

export interface IssuedLink extends TrackingLinkPartsFragment {
  issuedAt: string;
}

export function rememberLink(complaintId: string, link: TrackingLinkPartsFragment, issuedAt = new Date().toISOString()): void {
  issued.set(complaintId, { number: link.number, accessToken: link.accessToken, path: link.path, issuedAt });
}

export function issuedLink(complaintId: string): IssuedLink | null {
  return issued.get(complaintId) ?? null;
}

/** The whole address, on the server the console came from (the portal is served by the same one). */
export function absoluteLink(path: string, origin = window.location.origin): string {
  return `${origin}${path}`;
}
