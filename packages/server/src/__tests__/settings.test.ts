import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SETTINGS, SettingsError, loadConfig } from '../config.js';

const refusal = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  return [];
};

describe('settings', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '0'],
    ['PORT', '-1'],
    ['PORT', '4000.5'],
    ['DB_POOL_SIZE', '0'],
    ['DB_STATEMENT_TIMEOUT_MS', '5s'],
    ['PASSWORD_HASH_COST', '12'],
    ['PASSWORD_HASH_COST', '18'],
    ['SLA_CLAIMS_PER_COMPANY', '0'],
    ['SLA_SCHEDULER', 'maybe'],
    ['DEMO_DATA', '2'],
    ['GRAPHQL_INTROSPECTION', 'enabled'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://localhost'],
    ['PUBSUB', 'kafka'],
    ['JWT_SECRET', 'short'],
    ['OPERATOR_TOKEN', 'abc'],
    ['LOG_LEVEL', 'verbose'],
    ['NODE_ENV', 'prod'],
    ['TRUSTED_PROXIES', '11'],
    ['RATE_LIMIT_PREFIX', 'has space'],
    ['METRICS_PORT', 'x'],
    ['SMTP_URL', 'http://mail.example.com'],
    ['MAIL_DOMAIN', 'not a domain'],
    ['MAIL_DOMAIN', "x'; DROP TABLE t; --"],
    ['MAIL_TAG_SECRET', 'short'],
    ['PUBLIC_URL', 'ftp://example.com'],
    ['MAIL_LOG_RETENTION_DAYS', '7'],
    ['WEBHOOK_LOG_RETENTION_DAYS', '-1'],
    ['UNCONFIRMED_COMPANY_DAYS', '7'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    const problems = refusal({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it('keeps the logs 180 and 30 days unless told, for good at 0', () => {
    expect(loadConfig({})).toMatchObject({ mailLogRetentionDays: 180, webhookLogRetentionDays: 30 });
    expect(loadConfig({ MAIL_LOG_RETENTION_DAYS: '0', WEBHOOK_LOG_RETENTION_DAYS: '0' })).toMatchObject({
      mailLogRetentionDays: 0,
      webhookLogRetentionDays: 0,
    });
    expect(loadConfig({ MAIL_LOG_RETENTION_DAYS: '30', WEBHOOK_LOG_RETENTION_DAYS: '1' })).toMatchObject({
      mailLogRetentionDays: 30,
      webhookLogRetentionDays: 1,
    });
  });

  it('deletes companies still unconfirmed 30 days after signing up unless told, never at 0, and not before their first link expires', () => {
    expect(loadConfig({})).toMatchObject({ unconfirmedCompanyDays: 30 });
    expect(loadConfig({ UNCONFIRMED_COMPANY_DAYS: '0' })).toMatchObject({ unconfirmedCompanyDays: 0 });
    expect(loadConfig({ UNCONFIRMED_COMPANY_DAYS: '8' })).toMatchObject({ unconfirmedCompanyDays: 8 });
  });

  it('never repeats a secret in its refusal', () => {
    const [problem] = refusal({ JWT_SECRET: 'hunter2-is-short' });
    expect(problem).not.toContain('hunter2');
    expect(refusal({ DATABASE_URL: 'mysql://admin:pa55word@db/x' })[0]).not.toContain('pa55word');
  });

  it('reports every wrong variable at once', () => {
    const problems = refusal({ PORT: 'x', DB_POOL_SIZE: 'y', SLA_SCHEDULER: 'z' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DB_POOL_SIZE', 'PORT', 'SLA_SCHEDULER']);
  });

  it('checks settings that depend on each other', () => {
    expect(refusal({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^JWT_SECRET: must be set/)]);
    expect(refusal({ PUBSUB: 'postgres' })).toEqual([expect.stringMatching(/^PUBSUB: postgres needs DATABASE_URL/)]);
    expect(refusal({ PUBSUB: 'redis' })).toEqual([expect.stringMatching(/^PUBSUB: redis needs REDIS_URL/)]);
    expect(refusal({ METRICS_PORT: '4000' })).toEqual([expect.stringMatching(/^METRICS_PORT: /)]);
    expect(refusal({ LOGIN_LOCKOUT_SECONDS: '60', LOGIN_MAX_LOCKOUT_SECONDS: '30' })).toHaveLength(1);
    expect(refusal({ SMTP_URL: 'smtp://mail.example.com' })).toEqual([expect.stringMatching(/^MAIL_DOMAIN: must be set with SMTP_URL/)]);
  });

  it('keys the reply addresses with the same secret on every node that shares JWT_SECRET, and never with JWT_SECRET itself', () => {
    const jwt = 'x'.repeat(40);
    const one = loadConfig({ JWT_SECRET: jwt });
    expect(one.mailTagSecret).toBe(loadConfig({ JWT_SECRET: jwt }).mailTagSecret);
    expect(one.mailTagSecret).not.toBe(jwt);
    expect(loadConfig({ JWT_SECRET: jwt, MAIL_TAG_SECRET: 'y'.repeat(32) }).mailTagSecret).toBe('y'.repeat(32));
    expect(loadConfig({ MAIL_DOMAIN: 'Mail.Example.COM' }).mailDomain).toBe('mail.example.com');
  });

  it('signs mail with a DKIM key only when the selector and a readable private key come together', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dkim-'));
    const good = join(dir, 'dkim.pem');
    writeFileSync(good, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const notKey = join(dir, 'not-a-key.pem');
    writeFileSync(notKey, 'hello');
    expect(loadConfig({ MAIL_DKIM_SELECTOR: 'reclaim1', MAIL_DKIM_KEY_FILE: good }).mailDkim).toMatchObject({
      selector: 'reclaim1',
      privateKey: expect.stringContaining('PRIVATE KEY'),
    });
    expect(loadConfig({}).mailDkim).toBeUndefined();
    expect(refusal({ MAIL_DKIM_SELECTOR: 'reclaim1' })).toEqual(['MAIL_DKIM_SELECTOR: set it together with MAIL_DKIM_KEY_FILE']);
    expect(refusal({ MAIL_DKIM_SELECTOR: 'reclaim1', MAIL_DKIM_KEY_FILE: notKey })[0]).toMatch(
      /^MAIL_DKIM_KEY_FILE: cannot read a PEM private key/,
    );
    expect(refusal({ MAIL_DKIM_SELECTOR: 'reclaim1', MAIL_DKIM_KEY_FILE: join(dir, 'missing.pem') })[0]).toMatch(/ENOENT/);
    expect(refusal({ MAIL_DKIM_SELECTOR: 'has space', MAIL_DKIM_KEY_FILE: good })[0]).toMatch(/^MAIL_DKIM_SELECTOR: expected a DNS label/);
    rmSync(dir, { recursive: true });
  });

  it('offers STARTTLS on the receiver only with a certificate and its own key, both readable', () => {
    // test/tls: a certificate, its key and another key, made for the tests.
    const pem = (name: string) => fileURLToPath(new URL(`../../test/tls/${name}`, import.meta.url));
    expect(loadConfig({ SMTP_TLS_CERT_FILE: pem('cert.pem'), SMTP_TLS_KEY_FILE: pem('key.pem') }).smtpTls).toEqual({
      cert: readFileSync(pem('cert.pem'), 'utf8'),
      key: readFileSync(pem('key.pem'), 'utf8'),
    });
    expect(loadConfig({}).smtpTls).toBeUndefined();
    expect(refusal({ SMTP_TLS_CERT_FILE: pem('cert.pem') })).toEqual(['SMTP_TLS_CERT_FILE: set it together with SMTP_TLS_KEY_FILE']);
    expect(refusal({ SMTP_TLS_KEY_FILE: pem('key.pem') })).toEqual(['SMTP_TLS_CERT_FILE: set it together with SMTP_TLS_KEY_FILE']);
    // Each file named where it is at fault: missing, not a certificate, another certificate's key.
    expect(refusal({ SMTP_TLS_CERT_FILE: pem('missing.pem'), SMTP_TLS_KEY_FILE: pem('key.pem') })).toEqual([
      expect.stringMatching(/^SMTP_TLS_CERT_FILE: cannot read .*missing\.pem \(ENOENT\)$/),
    ]);
    expect(refusal({ SMTP_TLS_CERT_FILE: pem('cert.pem'), SMTP_TLS_KEY_FILE: pem('missing.pem') })).toEqual([
      expect.stringMatching(/^SMTP_TLS_KEY_FILE: cannot read .*missing\.pem \(ENOENT\)$/),
    ]);
    expect(refusal({ SMTP_TLS_CERT_FILE: pem('key.pem'), SMTP_TLS_KEY_FILE: pem('key.pem') })).toEqual([
      expect.stringMatching(/^SMTP_TLS_CERT_FILE: not a PEM certificate with its key in SMTP_TLS_KEY_FILE \(.+\)$/),
    ]);
    expect(refusal({ SMTP_TLS_CERT_FILE: pem('cert.pem'), SMTP_TLS_KEY_FILE: pem('other-key.pem') })).toEqual([
      expect.stringMatching(/^SMTP_TLS_CERT_FILE: not a PEM certificate with its key in SMTP_TLS_KEY_FILE \(.*key values mismatch.*\)$/),
    ]);
  });

  it('reads switches as people write them', () => {
    for (const on of ['1', 'true', 'TRUE', 'yes', 'on', ' True ']) expect(loadConfig({ SLA_SCHEDULER: on }).slaScheduler).toBe(true);
    for (const off of ['0', 'false', 'False', 'no', 'off']) expect(loadConfig({ SLA_SCHEDULER: off }).slaScheduler).toBe(false);
  });

  it('takes an empty variable as unset and gives the documented defaults', () => {
    const config = loadConfig({ PORT: '', SLA_SCHEDULER: '' });
    expect(config.port).toBe(4000);
    expect(config.slaScheduler).toBe(true);
    expect(config.demoData).toBe(true);
    expect(config.pubsub).toBe('memory');
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' })).toMatchObject({ demoData: false, pubsub: 'postgres', logPretty: false });
    expect(loadConfig({ UPLOAD_PENDING_MB_PER_ADDRESS: '7' }).uploadPendingBytesPerAddress).toBe(7 * 1024 * 1024);
  });

  it('is documented in docs/operations.md, variable for variable', () => {
    const doc = readFileSync(new URL('../../../../docs/operations.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Settings'), doc.indexOf('\n## ', doc.indexOf('## Settings') + 1));
    const documented = new Set(
      [...section.matchAll(/^\| ([^|]+) \|/gm)].flatMap(([, cell]) => [...cell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1])),
    );
    expect([...documented].sort()).toEqual(Object.keys(SETTINGS.shape).sort());
  });
});
