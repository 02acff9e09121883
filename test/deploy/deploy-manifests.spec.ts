/**
 * The deployment files (Dockerfile, docker-compose.yml, deploy/k8s/*.yaml) are checked by parsing
 * them: no Docker engine or cluster is needed. Each check is a function that returns the list of
 * problems it found; the real files must give none, and every check is also run on a deliberately
 * broken copy to prove that it catches what it is meant to catch.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;
type Env = Record<string, string>;

const ROOT = resolve(__dirname, '../..');
const K8S_DIR = join(ROOT, 'deploy/k8s');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Every app under apps/ but the all-in-one standalone: each is a process of the distributed topology. */
const DISTRIBUTED_APPS = readdirSync(join(ROOT, 'apps'), { withFileTypes: true })
  // apps/cli is the operator's command (run inside a service's container), not a service.
  .filter((d) => d.isDirectory() && d.name !== 'standalone' && d.name !== 'cli')
  .map((d) => d.name)
  .sort();

/** The variable names that must be ArgusConfig properties when they appear in a manifest. */
const CONFIG_NAME = /^(ARGUS_.+|PORT|NATS_URL|DATABASE_URL|LOG_LEVEL|HOST)$/;
/** ARGUS_APP picks the entry file in the image (Dockerfile CMD); the apps themselves never read it. */
const LAUNCHER_VARS = new Set(['ARGUS_APP']);

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

function loadCompose(text = read('docker-compose.yml')): Obj {
  // Compose files use YAML merge keys (<<: *anchor); YAML 1.2 needs them asked for.
  return parse(text, { merge: true }) as Obj;
}

interface K8sDoc {
  file: string;
  obj: Obj;
}

function k8sFiles(): string[] {
  return readdirSync(K8S_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
}

function loadK8s(): K8sDoc[] {
  const docs: K8sDoc[] = [];
  for (const file of k8sFiles()) {
    for (const doc of parseAllDocuments(readFileSync(join(K8S_DIR, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const obj = doc.toJS() as Obj | null;
      if (obj !== null && obj !== undefined) docs.push({ file, obj });
    }
  }
  return docs;
}

function composeEnv(service: Obj): Env {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry: string) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function composeAppServices(compose: Obj): [string, Obj][] {
  return Object.entries((compose.services ?? {}) as Obj).filter(([, s]) => composeEnv(s).ARGUS_APP !== undefined);
}

const ofKind = (docs: K8sDoc[], kind: string): Obj[] => docs.filter((d) => d.obj.kind === kind).map((d) => d.obj);
const containersOf = (deployment: Obj): Obj[] => deployment.spec?.template?.spec?.containers ?? [];
const containerEnv = (container: Obj): Obj[] => container.env ?? [];
const envValue = (container: Obj, name: string): string | undefined =>
  containerEnv(container).find((e) => e.name === name)?.value;

/** A Deployment's ARGUS_APP (first container that sets it). */
function deploymentApp(deployment: Obj): string | undefined {
  for (const c of containersOf(deployment)) {
    const app = envValue(c, 'ARGUS_APP');
    if (app !== undefined) return String(app);
  }
  return undefined;
}

/** Environment a container really gets: ConfigMaps/Secrets through envFrom, then env (literal or ref). */
function effectiveEnv(container: Obj, docs: K8sDoc[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const source = (kind: string, name: string): Obj | undefined => {
    const doc = ofKind(docs, kind).find((d) => d.metadata?.name === name);
    return doc === undefined ? undefined : { ...(doc.data ?? {}), ...(doc.stringData ?? {}) };
  };
  for (const from of container.envFrom ?? []) {
    const data = from.configMapRef ? source('ConfigMap', from.configMapRef.name) : from.secretRef ? source('Secret', from.secretRef.name) : undefined;
    Object.assign(out, data ?? {});
  }
  for (const e of containerEnv(container)) {
    const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
    if (ref) out[e.name] = source(e.valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap', ref.name)?.[ref.key];
    else out[e.name] = e.value === undefined ? undefined : String(e.value);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks: each returns the problems it found (empty = fine)
// ---------------------------------------------------------------------------------------------

function checkCompose(compose: Obj, apps: string[]): string[] {
  const problems: string[] = [];
  const services = (compose.services ?? {}) as Obj;
  const imageOf = (name: string): string => String(services[name]?.image ?? '');
  const commandTokens = (s: Obj): string[] =>
    Array.isArray(s.command) ? s.command.map(String) : String(s.command ?? '').split(/\s+/).filter(Boolean);

  const nats = Object.entries(services).filter(([name]) => /^nats:/.test(imageOf(name)));
  if (nats.length === 0) problems.push('compose: no nats service (image nats:…)');
  for (const [name, s] of nats) if (!commandTokens(s).includes('-js')) problems.push(`compose: ${name} runs without JetStream (-js)`);
  const postgres = Object.keys(services).filter((name) => /^postgres:/.test(imageOf(name)));
  if (postgres.length === 0) problems.push('compose: no postgres service (image postgres:…)');

  const appServices = composeAppServices(compose);
  for (const app of apps) {
    if (!appServices.some(([, s]) => composeEnv(s).ARGUS_APP === app)) problems.push(`compose: no service with ARGUS_APP=${app}`);
  }
  for (const [name, s] of appServices) {
    const env = composeEnv(s);
    if (!apps.includes(env.ARGUS_APP)) problems.push(`compose: ${name} has ARGUS_APP=${env.ARGUS_APP}, not a distributed app under apps/`);
    const natsUrl = /^nats:\/\/([^:/]+)/.exec(env.NATS_URL ?? '');
    if (!natsUrl) problems.push(`compose: ${name} has no NATS_URL=nats://…`);
    else if (!nats.some(([n]) => n === natsUrl[1])) problems.push(`compose: ${name} NATS_URL host ${natsUrl[1]} is not the nats service`);
    const dbUrl = /^postgres(?:ql)?:\/\/(?:[^@/]*@)?([^:/]+)/.exec(env.DATABASE_URL ?? '');
    if (!dbUrl) problems.push(`compose: ${name} has no DATABASE_URL=postgres://…`);
    else if (!postgres.includes(dbUrl[1])) problems.push(`compose: ${name} DATABASE_URL host ${dbUrl[1]} is not the postgres service`);
    if (!env.ARGUS_KEK) problems.push(`compose: ${name} has no ARGUS_KEK`);
    if (!env.ARGUS_ISSUER) problems.push(`compose: ${name} has no ARGUS_ISSUER`);
    if (!env.PORT) problems.push(`compose: ${name} has no PORT`);
    const dockerfile = s.build === undefined ? undefined : typeof s.build === 'string' ? 'Dockerfile' : (s.build.dockerfile ?? 'Dockerfile');
    if (dockerfile !== 'Dockerfile') problems.push(`compose: ${name} is not built from ./Dockerfile`);
    const test = [].concat(s.healthcheck?.test ?? []).join(' ');
    if (!test.includes('/readyz')) problems.push(`compose: ${name} healthcheck does not hit /readyz`);
    const deps = Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((d: string) => [d, {}])) : (s.depends_on ?? {});
    for (const infra of [nats[0]?.[0], postgres[0]].filter(Boolean)) {
      if (deps[infra]?.condition !== 'service_healthy') problems.push(`compose: ${name} does not wait for ${infra} to be healthy`);
    }
  }

  const introspection = appServices.filter(([, s]) => composeEnv(s).ARGUS_APP === 'introspection');
  const replicas = introspection.reduce((n, [, s]) => n + Number(s.deploy?.replicas ?? 1), 0);
  if (replicas < 2) problems.push(`compose: introspection runs ${replicas} instance(s), want at least 2`);

  const gateway = appServices.find(([, s]) => composeEnv(s).ARGUS_APP === 'gateway')?.[1];
  if (gateway) {
    const published = (gateway.ports ?? []).some((p: unknown) =>
      typeof p === 'object' && p !== null
        ? String((p as Obj).published) === '3000' && String((p as Obj).target) === composeEnv(gateway).PORT
        : new RegExp(`^(?:[\\d.]+:)?3000:${composeEnv(gateway).PORT}$`).test(String(p)),
    );
    if (!published) problems.push('compose: gateway does not publish port 3000 onto its PORT');
  }
  return problems;
}

function checkK8s(docs: K8sDoc[], apps: string[]): string[] {
  const problems: string[] = [];
  const deployments = ofKind(docs, 'Deployment');
  for (const app of apps) {
    if (!deployments.some((d) => deploymentApp(d) === app)) problems.push(`k8s: no Deployment with ARGUS_APP=${app}`);
  }
  const images = new Set<string>();
  for (const d of deployments) {
    const name = `Deployment ${d.metadata?.name}`;
    const app = deploymentApp(d);
    if (app === undefined || !apps.includes(app)) {
      problems.push(`k8s: ${name} has ARGUS_APP=${app}, not a distributed app under apps/`);
      continue;
    }
    const pod = d.spec?.template?.spec ?? {};
    const podLabels = (d.spec?.template?.metadata?.labels ?? {}) as Obj;
    const selector = (d.spec?.selector?.matchLabels ?? {}) as Obj;
    if (Object.keys(selector).length === 0 || Object.entries(selector).some(([k, v]) => podLabels[k] !== v)) {
      problems.push(`k8s: ${name} selector does not match its pod labels`);
    }
    for (const c of containersOf(d)) {
      images.add(String(c.image));
      const where = `${name} container ${c.name}`;
      const env = effectiveEnv(c, docs);
      const port = env.PORT;
      if (!port) problems.push(`k8s: ${where} has no PORT`);
      const portNames = Object.fromEntries((c.ports ?? []).map((p: Obj) => [p.name, String(p.containerPort)]));
      const probe = (kind: string, path: string): void => {
        const get = c[kind]?.httpGet;
        if (get?.path !== path) problems.push(`k8s: ${where} ${kind} is not an httpGet on ${path}`);
        else if (String(portNames[get.port] ?? get.port) !== port) problems.push(`k8s: ${where} ${kind} port is not the app's PORT ${port}`);
      };
      probe('readinessProbe', '/readyz');
      probe('livenessProbe', '/healthz');
      const sc = (c.securityContext ?? {}) as Obj;
      const podSc = (pod.securityContext ?? {}) as Obj;
      if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) problems.push(`k8s: ${where} runAsNonRoot is not true`);
      if ((sc.runAsUser ?? podSc.runAsUser) === 0) problems.push(`k8s: ${where} runs as uid 0`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`k8s: ${where} readOnlyRootFilesystem is not true`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`k8s: ${where} allowPrivilegeEscalation is not false`);
      for (const kind of ['requests', 'limits']) {
        if (!c.resources?.[kind]?.memory || !c.resources?.[kind]?.cpu) problems.push(`k8s: ${where} has no resources.${kind} (cpu, memory)`);
      }
      for (const from of c.envFrom ?? []) {
        const [kind, ref] = from.configMapRef ? ['ConfigMap', from.configMapRef] : ['Secret', from.secretRef];
        if (!ofKind(docs, kind).some((o) => o.metadata?.name === ref?.name)) problems.push(`k8s: ${where} envFrom ${kind} ${ref?.name} is not in deploy/k8s`);
      }
      for (const e of containerEnv(c)) {
        if (e.valueFrom && env[e.name] === undefined) problems.push(`k8s: ${where} env ${e.name} refers to a ConfigMap/Secret key that does not exist`);
      }
      if (!/^nats:\/\//.test(env.NATS_URL ?? '')) problems.push(`k8s: ${where} gets no NATS_URL=nats://…`);
      if (!/^postgres(ql)?:\/\//.test(env.DATABASE_URL ?? '')) problems.push(`k8s: ${where} gets no DATABASE_URL=postgres://…`);
      if (!env.ARGUS_KEK) problems.push(`k8s: ${where} gets no ARGUS_KEK`);
      if (!env.ARGUS_ISSUER) problems.push(`k8s: ${where} gets no ARGUS_ISSUER`);
    }
  }
  if (images.size > 1) problems.push(`k8s: Deployments use different images (${[...images].join(', ')}); one image serves every app`);

  const introspection = deployments.filter((d) => deploymentApp(d) === 'introspection');
  const replicas = introspection.reduce((n, d) => n + Number(d.spec?.replicas ?? 1), 0);
  if (replicas < 2) problems.push(`k8s: introspection has ${replicas} replica(s), want at least 2`);

  const gateway = deployments.find((d) => deploymentApp(d) === 'gateway');
  if (gateway) {
    const labels = (gateway.spec?.template?.metadata?.labels ?? {}) as Obj;
    const container = containersOf(gateway)[0] ?? {};
    const ports = (container.ports ?? []) as Obj[];
    const service = ofKind(docs, 'Service').find((s) => {
      const sel = (s.spec?.selector ?? {}) as Obj;
      return Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels[k] === v);
    });
    if (!service) problems.push('k8s: no Service selects the gateway pods');
    else if (
      !(service.spec?.ports ?? []).some((p: Obj) =>
        ports.some((cp) => p.targetPort === cp.name || String(p.targetPort ?? p.port) === String(cp.containerPort)),
      )
    ) {
      problems.push('k8s: the gateway Service targets no port of the gateway container');
    }
  }
  if (ofKind(docs, 'Namespace').length === 0) problems.push('k8s: no Namespace');
  return problems;
}

function checkKustomization(docs: K8sDoc[], files: string[]): string[] {
  const kustomization = docs.find((d) => d.obj.kind === 'Kustomization')?.obj;
  if (!kustomization) return ['k8s: no kustomization.yaml'];
  const resources: string[] = kustomization.resources ?? [];
  const problems: string[] = [];
  for (const file of files) {
    if (!/^kustomization\.ya?ml$/.test(file) && !resources.includes(file)) problems.push(`k8s: kustomization.yaml does not list ${file}`);
  }
  for (const r of resources) if (!files.includes(r)) problems.push(`k8s: kustomization.yaml lists ${r}, which does not exist`);
  return problems;
}

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions (continuation lines joined, comments dropped), split into stages by FROM. */
function dockerStages(text: string): Instruction[][] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Instruction[][] = [];
  for (const line of lines) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const instruction = { op: m[1].toUpperCase(), args: m[2] };
    if (instruction.op === 'FROM') stages.push([]);
    stages[stages.length - 1]?.push(instruction);
  }
  return stages;
}

function dockerEnv(stage: Instruction[]): Env {
  const env: Env = {};
  for (const i of stage.filter((x) => x.op === 'ENV')) {
    for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) env[m[1]] = m[2].replace(/^"|"$/g, '');
  }
  return env;
}

function checkDockerfile(text: string): string[] {
  const problems: string[] = [];
  const stages = dockerStages(text);
  if (stages.length < 2) return [`Dockerfile: ${stages.length} FROM stage(s), want a multi-stage build (at least 2)`];
  const final = stages[stages.length - 1];
  const build = stages.slice(0, -1).flat();
  const runs = build.filter((i) => i.op === 'RUN').map((i) => i.args);
  if (!runs.some((r) => /\bnpm ci\b/.test(r))) problems.push('Dockerfile: the build stage does not run `npm ci`');
  if (!runs.some((r) => /\bnpm run build\b/.test(r))) problems.push('Dockerfile: the build stage does not run `npm run build`');
  if (!runs.some((r) => /\bnpm prune --omit=dev\b/.test(r))) problems.push('Dockerfile: the build stage does not run `npm prune --omit=dev`');
  if (!/^node:20-bookworm-slim\b/.test(final[0].args)) problems.push(`Dockerfile: the runtime stage is FROM ${final[0].args}, want node:20-bookworm-slim`);
  if (!final.some((i) => i.op === 'COPY' && /--from=/.test(i.args))) problems.push('Dockerfile: the runtime stage copies nothing from the build stage');
  const users = final.filter((i) => i.op === 'USER');
  const user = users.length === 0 ? '' : users[users.length - 1].args.split(':')[0].trim();
  if (user === '' || user === 'root' || user === '0') problems.push(`Dockerfile: the runtime stage runs as ${user || 'root (no USER)'}, want a non-root USER`);
  const start = final.filter((i) => i.op === 'CMD' || i.op === 'ENTRYPOINT').map((i) => i.args).join(' ');
  if (!/dist\/apps\/\$\{?ARGUS_APP\}?\/src\/main\.js/.test(start)) problems.push('Dockerfile: CMD/ENTRYPOINT does not start dist/apps/$ARGUS_APP/src/main.js');
  if (dockerEnv(final).ARGUS_APP !== 'standalone') problems.push('Dockerfile: ARGUS_APP does not default to standalone');
  return problems;
}

/** Every dist/apps/<app>/src/main.js named in the files (with $ARGUS_APP expanded) has apps/<app>/src/main.ts. */
function checkEntries(texts: string[], argusApps: string[]): string[] {
  const problems: string[] = [];
  const apps = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(/dist\/apps\/([^/\s"']+)\/src\/main\.js/g)) {
      if (/^\$\{?ARGUS_APP\}?$/.test(m[1])) argusApps.forEach((a) => apps.add(a));
      else apps.add(m[1]);
    }
  }
  if (apps.size === 0) problems.push('no dist/apps/<app>/src/main.js entry is referenced');
  for (const app of apps) {
    if (!existsSync(join(ROOT, 'apps', app, 'src', 'main.ts'))) problems.push(`entry dist/apps/${app}/src/main.js has no source apps/${app}/src/main.ts`);
  }
  return problems;
}

/** Property names of the ArgusConfig class, read from its source text. */
function argusConfigProperties(): Set<string> {
  const text = read('libs/platform/src/config/argus-config.ts');
  const start = text.indexOf('export class ArgusConfig');
  const end = text.indexOf('\n}\n', start);
  if (start < 0 || end < 0) throw new Error('ArgusConfig class not found in argus-config.ts');
  return new Set([...text.slice(start, end).matchAll(/^\s*([A-Z][A-Z0-9_]*)\??\s*[:=]/gm)].map((m) => m[1]));
}

function envNames(compose: Obj, docs: K8sDoc[], dockerfile: string): Set<string> {
  const names = new Set<string>();
  for (const s of Object.values((compose.services ?? {}) as Obj)) Object.keys(composeEnv(s)).forEach((n) => names.add(n));
  for (const d of ofKind(docs, 'Deployment')) {
    for (const c of [...containersOf(d), ...(d.spec?.template?.spec?.initContainers ?? [])]) containerEnv(c).forEach((e) => names.add(e.name));
  }
  for (const o of [...ofKind(docs, 'ConfigMap'), ...ofKind(docs, 'Secret')]) {
    Object.keys({ ...(o.data ?? {}), ...(o.stringData ?? {}) }).forEach((n) => names.add(n));
  }
  dockerStages(dockerfile).forEach((stage) => Object.keys(dockerEnv(stage)).forEach((n) => names.add(n)));
  return names;
}

function checkEnvNames(names: Set<string>, config: Set<string>): string[] {
  return [...names]
    .filter((n) => CONFIG_NAME.test(n) && !LAUNCHER_VARS.has(n) && !config.has(n))
    .map((n) => `${n} is set in a manifest but is not a property of ArgusConfig (libs/platform/src/config/argus-config.ts)`);
}

function allArgusApps(compose: Obj, docs: K8sDoc[], dockerfile: string): string[] {
  const apps = new Set<string>();
  composeAppServices(compose).forEach(([, s]) => apps.add(composeEnv(s).ARGUS_APP));
  ofKind(docs, 'Deployment').forEach((d) => apps.add(deploymentApp(d) ?? ''));
  dockerStages(dockerfile).forEach((stage) => {
    const app = dockerEnv(stage).ARGUS_APP;
    if (app !== undefined) apps.add(app);
  });
  apps.delete('');
  return [...apps];
}

// ---------------------------------------------------------------------------------------------
// The real files
// ---------------------------------------------------------------------------------------------

const dockerfileText = read('Dockerfile');
const composeText = read('docker-compose.yml');
const compose = loadCompose(composeText);
const k8s = loadK8s();
const config = argusConfigProperties();

describe('deployment manifests', () => {
  it('sees the distributed apps and the ArgusConfig properties it checks against', () => {
    expect(DISTRIBUTED_APPS).toEqual(expect.arrayContaining(['gateway', 'keys', 'introspection']));
    expect(DISTRIBUTED_APPS).not.toContain('standalone');
    expect([...config]).toEqual(expect.arrayContaining(['ARGUS_ISSUER', 'PORT', 'HOST', 'DATABASE_URL', 'NATS_URL', 'ARGUS_KEK', 'LOG_LEVEL']));
  });

  it('Dockerfile: multi-stage, npm ci, non-root runtime, ARGUS_APP picks the entry', () => {
    expect(checkDockerfile(dockerfileText)).toEqual([]);
  });

  it('docker-compose.yml: nats with JetStream, postgres, one service per distributed app', () => {
    expect(checkCompose(compose, DISTRIBUTED_APPS)).toEqual([]);
  });

  it('deploy/k8s: a hardened Deployment with probes per distributed app, gateway Service', () => {
    expect(checkK8s(k8s, DISTRIBUTED_APPS)).toEqual([]);
  });

  it('deploy/k8s/kustomization.yaml lists every manifest', () => {
    expect(checkKustomization(k8s, k8sFiles())).toEqual([]);
  });

  it('every entry file referenced exists as apps/<app>/src/main.ts', () => {
    const texts = [dockerfileText, composeText, ...k8sFiles().map((f) => readFileSync(join(K8S_DIR, f), 'utf8'))];
    expect(checkEntries(texts, allArgusApps(compose, k8s, dockerfileText))).toEqual([]);
  });

  it('every configuration variable set in the manifests is an ArgusConfig property', () => {
    const names = envNames(compose, k8s, dockerfileText);
    expect([...names]).toEqual(expect.arrayContaining(['ARGUS_APP', 'NATS_URL', 'DATABASE_URL', 'ARGUS_KEK', 'PORT']));
    expect(checkEnvNames(names, config)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The checks catch broken manifests
// ---------------------------------------------------------------------------------------------

function composeService(c: Obj, app: string): Obj {
  const found = composeAppServices(c).find(([, s]) => composeEnv(s).ARGUS_APP === app);
  if (!found) throw new Error(`fixture: no compose service for ${app}`);
  return found[1];
}
function composeInfra(c: Obj, image: RegExp): Obj {
  const found = Object.values(c.services as Obj).find((s: Obj) => image.test(String(s.image)));
  if (!found) throw new Error(`fixture: no compose service with image ${image}`);
  return found as Obj;
}
function deployment(docs: K8sDoc[], app: string): Obj {
  const found = ofKind(docs, 'Deployment').find((d) => deploymentApp(d) === app);
  if (!found) throw new Error(`fixture: no Deployment for ${app}`);
  return found;
}
const firstContainer = (docs: K8sDoc[], app: string): Obj => containersOf(deployment(docs, app))[0];
const setEnv = (container: Obj, name: string, value: string): void => {
  const entry = containerEnv(container).find((e) => e.name === name);
  if (entry) {
    entry.value = value;
    delete entry.valueFrom;
  } else container.env = [...containerEnv(container), { name, value }];
};

describe('deployment checks reject broken manifests', () => {
  const composeCases: [string, (c: Obj) => void, RegExp][] = [
    ['nats without -js', (c) => { const n = composeInfra(c, /^nats:/); n.command = [].concat(n.command).filter((t) => t !== '-js'); }, /JetStream/],
    ['no postgres', (c) => { for (const [k, s] of Object.entries(c.services as Obj)) if (/^postgres:/.test(String((s as Obj).image))) delete c.services[k]; }, /no postgres service/],
    ['no nats', (c) => { for (const [k, s] of Object.entries(c.services as Obj)) if (/^nats:/.test(String((s as Obj).image))) delete c.services[k]; }, /no nats service/],
    ['keys service missing', (c) => { for (const [k, s] of composeAppServices(c)) if (composeEnv(s).ARGUS_APP === 'keys') delete c.services[k]; }, /no service with ARGUS_APP=keys/],
    ['wrong ARGUS_APP', (c) => { composeService(c, 'token').environment.ARGUS_APP = 'tokens'; }, /ARGUS_APP=tokens/],
    ['no NATS_URL', (c) => { delete composeService(c, 'authorization').environment.NATS_URL; }, /no NATS_URL/],
    ['sqlite DATABASE_URL', (c) => { composeService(c, 'clients').environment.DATABASE_URL = 'sqlite:./data/argus.sqlite'; }, /no DATABASE_URL=postgres/],
    ['no ARGUS_KEK', (c) => { delete composeService(c, 'keys').environment.ARGUS_KEK; }, /no ARGUS_KEK/],
    ['healthcheck on /healthz', (c) => { composeService(c, 'gateway').healthcheck = { test: ['CMD', 'true', '/healthz'] }; }, /\/readyz/],
    ['not waiting for postgres', (c) => { delete composeService(c, 'token').depends_on.postgres; }, /wait for postgres/],
    ['one introspection', (c) => { delete composeService(c, 'introspection').deploy; }, /introspection runs 1/],
    ['gateway not published', (c) => { composeService(c, 'gateway').ports = []; }, /publish port 3000/],
  ];
  it.each(composeCases)('compose: %s', (_name, breakIt, expected) => {
    const broken = structuredClone(compose);
    breakIt(broken);
    expect(checkCompose(broken, DISTRIBUTED_APPS).join('\n')).toMatch(expected);
  });

  const k8sCases: [string, (docs: K8sDoc[]) => void, RegExp][] = [
    ['keys Deployment missing', (docs) => { docs.splice(docs.findIndex((d) => d.obj.kind === 'Deployment' && deploymentApp(d.obj) === 'keys'), 1); }, /no Deployment with ARGUS_APP=keys/],
    ['wrong ARGUS_APP', (docs) => setEnv(firstContainer(docs, 'token'), 'ARGUS_APP', 'tokens'), /ARGUS_APP=tokens/],
    ['readiness on /healthz', (docs) => { firstContainer(docs, 'clients').readinessProbe.httpGet.path = '/healthz'; }, /readinessProbe is not an httpGet on \/readyz/],
    ['no liveness probe', (docs) => { delete firstContainer(docs, 'keys').livenessProbe; }, /livenessProbe is not an httpGet on \/healthz/],
    ['probe on another port', (docs) => { firstContainer(docs, 'gateway').readinessProbe.httpGet.port = 9999; }, /readinessProbe port/],
    ['runAsNonRoot false', (docs) => {
      const d = deployment(docs, 'authorization');
      d.spec.template.spec.securityContext = { ...d.spec.template.spec.securityContext, runAsNonRoot: false };
      containersOf(d)[0].securityContext.runAsNonRoot = false;
    }, /runAsNonRoot is not true/],
    ['writable root filesystem', (docs) => { firstContainer(docs, 'token').securityContext.readOnlyRootFilesystem = false; }, /readOnlyRootFilesystem/],
    ['no resources', (docs) => { delete firstContainer(docs, 'introspection').resources; }, /resources\.requests/],
    ['one introspection replica', (docs) => { deployment(docs, 'introspection').spec.replicas = 1; }, /introspection has 1 replica/],
    ['SQLite DATABASE_URL', (docs) => setEnv(firstContainer(docs, 'clients'), 'DATABASE_URL', 'sqlite:/data/a.sqlite'), /no DATABASE_URL=postgres/],
    ['missing Secret key', (docs) => {
      const ref = containerEnv(firstContainer(docs, 'keys')).find((e) => e.name === 'ARGUS_KEK')?.valueFrom?.secretKeyRef;
      if (!ref) throw new Error('fixture: keys gets ARGUS_KEK from a Secret key');
      ref.key = 'NO_SUCH_KEY';
    }, /ARGUS_KEK refers to a ConfigMap\/Secret key that does not exist/],
    ['no gateway Service', (docs) => { for (let i = docs.length - 1; i >= 0; i--) if (docs[i].obj.kind === 'Service') docs.splice(i, 1); }, /no Service selects the gateway/],
  ];
  it.each(k8sCases)('k8s: %s', (_name, breakIt, expected) => {
    const broken = structuredClone(k8s);
    breakIt(broken);
    expect(checkK8s(broken, DISTRIBUTED_APPS).join('\n')).toMatch(expected);
  });

  it('kustomization: a manifest left out', () => {
    const broken = structuredClone(k8s);
    const kustomization = broken.find((d) => d.obj.kind === 'Kustomization')!.obj;
    kustomization.resources = kustomization.resources.filter((r: string) => r !== 'gateway.yaml');
    expect(checkKustomization(broken, k8sFiles()).join('\n')).toMatch(/does not list gateway\.yaml/);
  });

  const dockerCases: [string, (text: string) => string, RegExp][] = [
    ['one stage', (t) => t.slice(t.lastIndexOf('\nFROM ')), /FROM stage/],
    ['no USER', (t) => t.replace(/^USER .*$/gm, ''), /non-root USER/],
    ['USER root', (t) => t.replace(/^USER .*$/gm, 'USER root'), /non-root USER/],
    ['npm install instead of npm ci', (t) => t.replace(/npm ci/g, 'npm install'), /npm ci/],
    ['no prune', (t) => t.replace(/npm prune --omit=dev/g, 'true'), /npm prune/],
    ['fixed app', (t) => t.replace(/\$\{ARGUS_APP\}/g, 'standalone'), /ARGUS_APP/],
  ];
  it.each(dockerCases)('Dockerfile: %s', (_name, breakIt, expected) => {
    expect(checkDockerfile(breakIt(dockerfileText)).join('\n')).toMatch(expected);
  });

  it('entries: a path to an app that does not exist', () => {
    expect(checkEntries(['node dist/apps/nope/src/main.js'], [])).toEqual([expect.stringMatching(/apps\/nope\/src\/main\.ts/)]);
    expect(checkEntries(['exec node dist/apps/${ARGUS_APP}/src/main.js'], ['keys', 'nope']).join('\n')).toMatch(/apps\/nope/);
    expect(checkEntries(['no entry here'], [])).toEqual([expect.stringMatching(/no dist\/apps/)]);
  });

  it('env names: a variable ArgusConfig does not know', () => {
    const brokenCompose = structuredClone(compose);
    composeService(brokenCompose, 'gateway').environment.ARGUS_ISSUER_URL = 'http://localhost:3000';
    expect(checkEnvNames(envNames(brokenCompose, k8s, dockerfileText), config).join('\n')).toMatch(/ARGUS_ISSUER_URL/);

    const brokenK8s = structuredClone(k8s);
    setEnv(firstContainer(brokenK8s, 'keys'), 'ARGUS_KEK_FILE', '/secrets/kek');
    expect(checkEnvNames(envNames(compose, brokenK8s, dockerfileText), config).join('\n')).toMatch(/ARGUS_KEK_FILE/);

    const brokenConfigMap = structuredClone(k8s);
    ofKind(brokenConfigMap, 'ConfigMap')[0].data.LOGLEVEL = 'info';
    ofKind(brokenConfigMap, 'ConfigMap')[0].data.ARGUS_LOG_LEVEL = 'info';
    expect(checkEnvNames(envNames(compose, brokenConfigMap, dockerfileText), config).join('\n')).toMatch(/ARGUS_LOG_LEVEL/);

    expect(checkEnvNames(envNames(compose, k8s, dockerfileText.replace('ENV NODE_ENV=production', 'ENV ARGUS_MODE=x NODE_ENV=production')), config).join('\n')).toMatch(/ARGUS_MODE/);
  });
});
