import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTINGS } from '../../packages/server/src/config.js';

/**
 * No Docker engine runs where the tests run; what can be checked without one
 * is checked: the compose file's services and the variables the server reads.
 */
const root = new URL('../../', import.meta.url);

describe('docker/compose.yaml', () => {
  const compose = parse(readFileSync(new URL('docker/compose.yaml', root), 'utf8'), { merge: true }) as {
    services: Record<
      string,
      {
        build?: { dockerfile: string };
        environment?: Record<string, string>;
        depends_on?: Record<string, { condition: string }>;
        image?: string;
        command?: string[];
        restart?: string;
        deploy?: { resources?: { limits?: object } };
      }
    >;
  };

  it('runs the balancer, two nodes built from docker/Dockerfile, PgBouncer, PostgreSQL, Redis and a migration job', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'balancer',
      'migrate',
      'pgbouncer',
      'postgres',
      'reclaim-1',
      'reclaim-2',
      'redis',
    ]);
    expect(compose.services.postgres!.image).toMatch(/^postgres:1[5-9]/);
    expect(compose.services.migrate!.command).toEqual(['node', '--enable-source-maps', 'dist/db/migrate.js']);
    expect(compose.services.migrate!.environment!.DATABASE_URL).toMatch(/@postgres:5432\//);
    for (const node of ['reclaim-1', 'reclaim-2']) {
      const service = compose.services[node]!;
      expect(service.build?.dockerfile).toBe('docker/Dockerfile');
      expect(service.environment).toMatchObject({ MIGRATE_ON_START: '0', TRUSTED_PROXIES: '1', PORT: '4000' });
      // Requests through PgBouncer, LISTEN straight to PostgreSQL.
      expect(service.environment!.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@pgbouncer:6432\//);
      expect(service.environment!.DATABASE_LISTEN_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      expect(service.depends_on!.migrate).toEqual({ condition: 'service_completed_successfully' });
      expect(service.restart).toBe('unless-stopped');
      expect(service.deploy?.resources?.limits).toBeDefined();
    }
    const haproxy = readFileSync(new URL('docker/haproxy.cfg', root), 'utf8');
    expect(haproxy).toMatch(/option httpchk GET \/readyz/);
    expect(haproxy).toMatch(/server reclaim-1 reclaim-1:4000 check/);
  });

  it('migrates as the owner and runs the nodes as a role that owns nothing, both made by the first start', () => {
    const user = (url: string) => new URL(url).username;
    const owner = user(compose.services.migrate!.environment!.DATABASE_URL!);
    const script = readFileSync(new URL('docker/initdb/10-roles.sh', root), 'utf8');
    expect((compose.services.postgres as { volumes?: string[] }).volumes).toContain('./initdb:/docker-entrypoint-initdb.d:ro');
    expect(script).toContain(`CREATE DATABASE reclaim OWNER ${owner}`);
    for (const node of ['reclaim-1', 'reclaim-2']) {
      const env = compose.services[node]!.environment!;
      const login = user(env.DATABASE_URL!);
      expect(login).not.toBe(owner);
      expect(user(env.DATABASE_LISTEN_URL!)).toBe(login);
      expect(script).toMatch(new RegExp(`CREATE ROLE ${login} LOGIN PASSWORD :'\\w+' IN ROLE reclaim_node;`));
    }
    expect(compose.services.pgbouncer!.environment!.DB_USER).toBe(user(compose.services['reclaim-1']!.environment!.DATABASE_URL!));
  });

  it('names only variables the server reads', () => {
    for (const name of Object.keys(compose.services['reclaim-1']!.environment ?? {})) expect(Object.keys(SETTINGS.shape)).toContain(name);
  });

  it('builds the files the Dockerfile copies', () => {
    const dockerfile = readFileSync(new URL('docker/Dockerfile', root), 'utf8');
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const path of m[1]!.split(/\s+/)) expect(existsSync(new URL(path, root)), path).toBe(true);
    }
  });
});
