import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpaStatic } from '../static.js';

let server: Server;
let base: string;
beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'reclaim-spa-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="/assets/index-abc.js"></script>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  const portal = createSpaStatic(root, '/p');
  const console = createSpaStatic(root, '', { inlineStyles: true });
  server = createServer((req, res) => {
    const path = req.url!.split('?')[0]!;
    if (!(path.startsWith('/p') ? portal(req, res, path) : console(req, res, path))) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('the pages of the console and the portal', () => {
  it('carry a strict Content-Security-Policy and no referrer', async () => {
    const portal = await request(base).get('/p/track/ABC-2026-000001').set('host', 'reclaim.example:8443');
    const csp = portal.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("connect-src 'self' ws://reclaim.example:8443 wss://reclaim.example:8443");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(portal.headers['referrer-policy']).toBe('no-referrer');
    // The console's component library writes <style> elements at run time.
    expect((await request(base).get('/')).headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
  });

  it('never echo a strange Host into the policy', async () => {
    const csp = (await request(base).get('/p/').set('host', 'evil; script-src *')).headers['content-security-policy'];
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toContain('evil');
  });
});
