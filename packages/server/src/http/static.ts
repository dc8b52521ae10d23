import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A built single-page app served under a path prefix with the SPA fallback:
 * the staff console (packages/console/dist) at `/`, the customer portal
 * (packages/portal/dist) at `/p/`. A path that is not a file gets the app's
 * index.html, so its own router answers it. Files are read once into memory; only names found
 * in the build can be served, so no request path reaches the file system
 * (no traversal by construction). Hashed assets are cached for a year,
 * index.html is revalidated on every visit. Without a build nothing is
 * served and the caller answers 404 as before.
 */
interface StaticFile {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  etag: string;
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt', '.map']);

const builtApp = (name: string) => fileURLToPath(new URL(`../../../${name}/dist/`, import.meta.url));
export const CONSOLE_ROOT = process.env.CONSOLE_DIST_DIR || builtApp('console');
export const PORTAL_ROOT = process.env.PORTAL_DIST_DIR || builtApp('portal');

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > name.lastIndexOf('/') ? name.slice(dot).toLowerCase() : '';
}

function loadBuild(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(join(root, 'index.html'))) return files;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const path = '/' + relative(root, full).split(sep).join('/');
        const ext = extension(path);
        const body = readFileSync(full);
        const compress = COMPRESSIBLE.has(ext) && body.length > 1024;
        files.set(path, {
          body,
          gzip: compress ? gzipSync(body, { level: 9 }) : null,
          type: TYPES[ext] ?? 'application/octet-stream',
          etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
          immutable: path.startsWith('/assets/'),
        });
      }
    }
  };
  walk(root);
  return files;
}

/**
 * The Content-Security-Policy of an app's pages: scripts, styles, fonts and
 * connections of this origin only (the WebSocket of live updates at the
 * host the page came from); images also from https: and data: URLs (a
 * company's logo); no plugins, no framing, no <base>. The console's
 * component library injects <style> elements at run time, hence
 * `inlineStyles` for it; the portal needs none.
 */
export function contentSecurityPolicy(host: string | undefined, inlineStyles: boolean): string {
  // The Host the browser used; anything unusual is left out rather than echoed.
  const sockets = host && /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self'${inlineStyles ? " 'unsafe-inline'" : ''}`,
    "img-src 'self' data: blob: https:",
    "media-src 'self' blob:",
    "font-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Returns the handler of the app built into `root`, mounted at `prefix`
 * ('' for the root, else like '/p'; the caller hands it only paths under
 * it); it answers `true` when it took the request.
 */
export function createSpaStatic(root: string, prefix = '', options: { inlineStyles?: boolean } = {}) {
  let files: Map<string, StaticFile> | null = null;

  return function serveSpa(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    files ??= loadBuild(root);
    if (files.size === 0) return false;
    let name: string;
    try {
      name = decodeURIComponent(path.slice(prefix.length)) || '/';
    } catch {
      return false;
    }
    let file = files.get(name);
    // Client-side routes have no extension; a missing asset stays a 404.
    if (!file && !extension(name) && !name.startsWith('/assets/')) file = files.get('/index.html');
    if (!file) return false;

    res.setHeader('content-type', file.type);
    res.setHeader('etag', file.etag);
    res.setHeader('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    res.setHeader('x-content-type-options', 'nosniff');
    if (file.type.startsWith('text/html')) {
      res.setHeader('x-frame-options', 'DENY');
      res.setHeader('content-security-policy', contentSecurityPolicy(req.headers.host, options.inlineStyles ?? false));
      // Portal addresses carry tracking tokens: no page tells another site where it was.
      res.setHeader('referrer-policy', 'no-referrer');
    }
    res.setHeader('vary', 'accept-encoding');
    if (req.headers['if-none-match'] === file.etag) {
      res.statusCode = 304;
      res.end();
      return true;
    }
    const gzip = file.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? file.gzip! : file.body;
    if (gzip) res.setHeader('content-encoding', 'gzip');
    res.setHeader('content-length', body.length);
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
