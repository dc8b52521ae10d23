import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * No Docker engine runs where the tests run; what can be checked without one
 * is checked: the compose file's services and the variables the server reads.
 */
const root = new URL('../../', import.meta.url);

describe('docker/compose.yaml', () => {
  const compose = parse(readFileSync(new URL('docker/compose.yaml', root), 'utf8'), { merge: true }) as {
    services: Record<string, { build?: { dockerfile: string }; environment?: Record<string, string>; depends_on?: object; image?: string }>;
  };

  it('runs PostgreSQL, Redis and two Reclaim nodes built from docker/Dockerfile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'reclaim-1', 'reclaim-2', 'redis']);
    expect(compose.services.postgres!.image).toMatch(/^postgres:1[5-9]/);
    for (const node of ['reclaim-1', 'reclaim-2']) {
      const service = compose.services[node]!;
      expect(service.build?.dockerfile).toBe('docker/Dockerfile');
      expect(Object.keys(service.environment ?? {})).toEqual(expect.arrayContaining(['DATABASE_URL', 'JWT_SECRET', 'REDIS_URL', 'PORT']));
      expect(service.environment!.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    }
  });

  it('names only variables the server reads', () => {
    const config = readFileSync(new URL('packages/server/src/config.ts', root), 'utf8');
    for (const name of Object.keys(compose.services['reclaim-1']!.environment ?? {})) expect(config).toContain(`env.${name}`);
  });

  it('builds the files the Dockerfile copies', () => {
    const dockerfile = readFileSync(new URL('docker/Dockerfile', root), 'utf8');
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const path of m[1]!.split(/\s+/)) expect(existsSync(new URL(path, root)), path).toBe(true);
    }
  });
});
