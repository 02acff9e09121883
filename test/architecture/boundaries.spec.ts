import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
}

const HTTP_OR_NATS = /^(fastify|@fastify\/|@nestjs\/platform-|@nestjs\/microservices|nats$)/;

describe('module boundaries (STYLE.md: transport and ORM stay out of the protocol core)', () => {
  it('the protocol core (libs/oauth) imports no Nest, ORM, HTTP or NATS code', () => {
    const offenders = sourceFiles(join(ROOT, 'libs/oauth/src')).flatMap((file) =>
      importsOf(file)
        .filter((m) => /^(@nestjs\/|typeorm|fastify|nats|pg|better-sqlite3)/.test(m))
        .map((m) => `${relative(ROOT, file)} → ${m}`),
    );
    expect(offenders).toEqual([]);
  });

  it.each(['clients', 'keys', 'token', 'introspection', 'events', 'persistence'])('libs/%s (domain) imports no HTTP or NATS types', (lib) => {
    const offenders = sourceFiles(join(ROOT, 'libs', lib, 'src'))
      // The JetStream adapter and the module choosing it are libs/events' transport wiring.
      .filter((file) => !/(jetstream-event-bus|events\.module)\.ts$/.test(file))
      .flatMap((file) => importsOf(file).filter((m) => HTTP_OR_NATS.test(m)).map((m) => `${relative(ROOT, file)} → ${m}`));
    expect(offenders).toEqual([]);
  });

  it('libs/contracts holds types and subjects only: no service, ORM or transport code', () => {
    const offenders = sourceFiles(join(ROOT, 'libs/contracts/src')).flatMap((file) =>
      importsOf(file)
        .filter((m) => /^(typeorm|fastify|nats|@nestjs\/(core|microservices|typeorm|platform-))|^@argus\/(clients|keys|token|introspection|gateway|platform)/.test(m))
        .map((m) => `${relative(ROOT, file)} → ${m}`),
    );
    expect(offenders).toEqual([]);
  });

  it('libraries are imported by alias, never by a relative path into another lib or app', () => {
    const files = [...sourceFiles(join(ROOT, 'libs')), ...sourceFiles(join(ROOT, 'apps'))];
    const offenders = files.flatMap((file) =>
      importsOf(file).filter((m) => /^(\.\.\/)+(\.\.\/)(libs|apps)\//.test(m) || /^\.\.\/\.\.\/\.\.\//.test(m)).map((m) => `${relative(ROOT, file)} → ${m}`),
    );
    expect(offenders).toEqual([]);
  });
});
