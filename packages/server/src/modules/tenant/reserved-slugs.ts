/**
 * Slugs no company may take: a slug is a path segment of the public portal
 * (/p/<slug>/, beside the portal's own /p/assets/) and may become a
 * subdomain, so every name the product uses or may use for a route, a
 * host or a role of its own is kept back, and names that would let a
 * company pass for the operator.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  // routes of the server and of the console and portal apps
  'graphql', 'portal', 'p', 'api', 'uploads', 'files', 'healthz', 'health', 'metrics', 'status', 'assets', 'static', 'public',
  'login', 'logout', 'signin', 'signup', 'sign-in', 'sign-up', 'register', 'board', 'complaints', 'escalations', 'admin', 'track',
  'ws', 'wss', 'subscriptions', 'favicon', 'robots', 'sitemap', 'well-known', 'index', 'app', 'console', 'dashboard', 'settings',
  // hosts and mail
  'www', 'mail', 'email', 'smtp', 'imap', 'pop', 'pop3', 'mx', 'ftp', 'cdn', 'dns', 'ns', 'ns1', 'ns2', 'vpn', 'autodiscover', 'autoconfig',
  'webmail', 'postmaster', 'hostmaster', 'webmaster', 'abuse', 'noreply', 'no-reply',
  // the operator
  'reclaim', 'root', 'administrator', 'system', 'support', 'help', 'security', 'billing', 'docs', 'blog', 'demo', 'test', 'staging',
  'dev', 'internal', 'null', 'undefined',
]);
