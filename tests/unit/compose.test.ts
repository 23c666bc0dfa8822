/**
 * docker-compose.yml and the files it mounts (RabbitMQ, Prometheus, Grafana) plus .env.example,
 * checked by parsing: no Docker engine runs where the tests run, so these files must be right by
 * construction — every name, host, port and path they share with the code is cross-checked here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configKeys as platformKeys, loadConfig, type Config } from '../../shared/config.ts';
import { loadApps } from '../../shared/runtime/apps.ts';
import { createMetrics } from '../../shared/observability/metrics.ts';
import { registerAppGauges } from '../../shared/observability/app-gauges.ts';
import { loadAppGauges } from '../../shared/runtime/app-gauges.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const readYaml = <T>(file: string): T => parse(read(file), { merge: true }) as T;

interface HealthCheck {
  test?: string[] | string;
  disable?: boolean;
}
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: (string | number | { target: number })[];
  volumes?: (string | { type: string; source: string; target: string })[];
  healthcheck?: HealthCheck;
  depends_on?: Record<string, { condition: string }> | string[];
  restart?: string;
  profiles?: string[];
  stop_grace_period?: string;
}
interface ComposeFile {
  version?: unknown;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = readYaml<ComposeFile>('docker-compose.yml');
const serviceNames = Object.keys(compose.services ?? {});
const APP_SERVICES = ['migrate', 'web', 'worker', 'scheduler'] as const;
const ROLE_SERVICES = ['web', 'worker', 'scheduler'] as const;

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service '${name}'`);
  return found;
}

/** Container-side ports a service publishes (`'8080:8080'`, `'127.0.0.1:5432:5432/tcp'`, `{ target }`). */
function containerPorts(svc: Service): number[] {
  return (svc.ports ?? []).map((p) =>
    typeof p === 'object'
      ? p.target
      : Number(
          String(p)
            .replace(/\/\w+$/, '')
            .split(':')
            .at(-1),
        ),
  );
}

/** A service's environment as the container sees it when no ${...} variable is set on the host. */
function environmentOf(svc: Service): Record<string, string> {
  const resolveDefault = (value: string) =>
    value.replace(
      /\$\{(\w+)(?::?-([^}]*))?\}/g,
      (_match, _name: string, fallback?: string) => fallback ?? '',
    );
  return Object.fromEntries(
    Object.entries(svc.environment ?? {}).map(([name, value]) => [name, resolveDefault(String(value ?? ''))]),
  );
}

/** Host paths a service bind-mounts (`./infra/x:/etc/x:ro` or long syntax); named volumes are left out. */
function bindSources(svc: Service): string[] {
  return (svc.volumes ?? [])
    .map((v) => (typeof v === 'object' ? (v.type === 'bind' ? v.source : '') : (v.split(':')[0] ?? '')))
    .filter((source) => source.startsWith('.') || source.startsWith('/'));
}

function namedVolumes(svc: Service): string[] {
  return (svc.volumes ?? [])
    .map((v) => (typeof v === 'object' ? (v.type === 'volume' ? v.source : '') : (v.split(':')[0] ?? '')))
    .filter((source) => source !== '' && !source.startsWith('.') && !source.startsWith('/'));
}

function dependencies(svc: Service): Record<string, string> {
  const deps = svc.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep.condition]));
}

function healthTest(svc: Service): string {
  const test = svc.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

/** Compose durations (`30s`, `1m30s`, `1500ms`) in seconds. */
function durationSeconds(value: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(h|ms|us|m|s)/g)];
  if (parts.length === 0) throw new Error(`not a compose duration: '${value}'`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * (units[unit ?? 's'] ?? 0), 0);
}

/** `key = value` lines of a RabbitMQ sysctl-style config file. */
function rabbitmqConf(): Record<string, string> {
  const entries = read('infra/rabbitmq/rabbitmq.conf')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split('=').map((s) => s.trim()) as [string, string]);
  return Object.fromEntries(entries);
}

const apps = await loadApps();

/** The env names the project reads: the platform's (shared/config.ts) and every app's (functions/<app>/app.ts). */
function configKeys(): string[] {
  return [...platformKeys, ...apps.flatMap((app) => Object.keys(app.schema.shape))];
}

/** A config and every app's settings, without the variables they were read from. */
function settingsOf(config: Config) {
  const { env: _env, ...platform } = config;
  return { platform, apps: apps.map((app) => app.config(config)) };
}

describe('config schema keys', () => {
  it('include every setting loadConfig returns, and the optional connection URLs', () => {
    const keys = configKeys();
    const derived = ['queueDriver', 'embeddedDb', 'env'];
    const defaulted = Object.keys(loadConfig({})).filter((k) => !derived.includes(k));
    expect(keys).toEqual(
      expect.arrayContaining([...defaulted, 'DATABASE_URL', 'RABBITMQ_URL', 'QUEUE_DRIVER']),
    );
  });
});

describe('docker-compose.yml', () => {
  it('uses the compose spec (no version key) and defines the whole stack', () => {
    expect(compose.version).toBeUndefined();
    expect(serviceNames).toEqual(
      expect.arrayContaining(['postgres', 'rabbitmq', 'migrate', 'web', 'worker', 'scheduler']),
    );
    expect(serviceNames).toEqual(expect.arrayContaining(['prometheus', 'grafana']));
  });

  it('builds every app service from infra/Dockerfile as one image', () => {
    const images = new Set<string | undefined>();
    for (const name of APP_SERVICES) {
      const { build, image } = service(name);
      expect(build, name).toEqual({ context: '.', dockerfile: 'infra/Dockerfile' });
      expect(existsSync(path.join(root, build?.context ?? '', build?.dockerfile ?? ''))).toBe(true);
      images.add(image);
    }
    expect([...images]).toHaveLength(1);
    expect([...images][0]).toMatch(/^fnstack/);
  });

  it('starts each long-running service with its own --role', () => {
    for (const role of ROLE_SERVICES) expect(service(role).command, role).toEqual(['--role', role]);
  });

  it('publishes AMQP and the management UI on rabbitmq, 8080 on web, and nothing on scalable roles', () => {
    expect(containerPorts(service('rabbitmq'))).toEqual(expect.arrayContaining([5672, 15672]));
    expect(containerPorts(service('web'))).toEqual([8080]);
    // Fixed host ports would stop `--scale worker=N`; the scheduler must stay single anyway.
    expect(containerPorts(service('worker'))).toEqual([]);
    expect(containerPorts(service('scheduler'))).toEqual([]);
  });

  it('points every app service at Postgres and RabbitMQ by their compose service names', () => {
    for (const name of APP_SERVICES) {
      const env = environmentOf(service(name));
      expect(env.QUEUE_DRIVER, name).toBe('rabbitmq');
      for (const variable of ['DATABASE_URL', 'RABBITMQ_URL']) {
        expect(env[variable], `${name} ${variable}`).toBeTruthy();
        expect(serviceNames, `${name} ${variable}`).toContain(new URL(env[variable] ?? '').hostname);
      }
    }
  });

  it('feeds the worker from the GradCafe emulator the web service serves', () => {
    const source = new URL(environmentOf(service('worker')).GRADCAFE_SOURCE_URL ?? '');
    expect(source.hostname).toBe('web');
    expect(Number(source.port)).toBe(containerPorts(service('web'))[0]);
    expect(source.pathname).toBe('/gradcafe/feed/entries');
  });

  it('sets only environment variables that the settings schemas (or the AWS SDK) know', () => {
    // The AWS SDK reads its credentials, and an emulator's endpoint, from the environment itself.
    const known = [
      ...configKeys(),
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    ];
    for (const name of APP_SERVICES) {
      for (const variable of Object.keys(environmentOf(service(name))))
        expect(known, name).toContain(variable);
    }
  });

  it('gives every app service an environment that loadConfig accepts, on real services', () => {
    for (const name of APP_SERVICES) {
      const config = loadConfig(environmentOf(service(name)), apps);
      expect(config.queueDriver, name).toBe('rabbitmq');
      expect(config.embeddedDb, name).toBe(false);
      expect(config.PORT, name).toBe(8080);
    }
  });

  it('uses the credentials that the postgres and rabbitmq services create', () => {
    const app = environmentOf(service('web'));
    const db = new URL(app.DATABASE_URL ?? '');
    const pg = environmentOf(service('postgres'));
    expect([db.username, db.password, db.pathname.slice(1)]).toEqual([
      pg.POSTGRES_USER,
      pg.POSTGRES_PASSWORD,
      pg.POSTGRES_DB,
    ]);
    const amqp = new URL(app.RABBITMQ_URL ?? '');
    const broker = rabbitmqConf();
    expect([amqp.username, amqp.password]).toEqual([broker.default_user, broker.default_pass]);
    expect(Number(amqp.port)).toBe(Number(broker['listeners.tcp.default']));
  });

  it('health-checks postgres, rabbitmq and the readiness of web', () => {
    expect(healthTest(service('postgres'))).toMatch(/pg_isready/);
    expect(healthTest(service('rabbitmq'))).toMatch(/rabbitmq-diagnostics.*ping/);
    expect(healthTest(service('web'))).toContain('/readyz');
    expect(healthTest(service('web'))).toContain(`:${containerPorts(service('web'))[0]}/`);
  });

  it('orders start-up: postgres healthy → migrate done → roles, with the broker healthy', () => {
    expect(dependencies(service('migrate'))).toEqual({ postgres: 'service_healthy' });
    for (const role of ROLE_SERVICES) {
      expect(dependencies(service(role)), role).toEqual({
        migrate: 'service_completed_successfully',
        rabbitmq: 'service_healthy',
        localstack: 'service_healthy',
      });
      // LocalStack only runs with the sqs profile: without it, the dependency must not block start-up.
      const onLocalstack = (service(role).depends_on as Record<string, { required?: boolean }>).localstack;
      expect(onLocalstack?.required, role).toBe(false);
    }
    for (const svc of Object.values(compose.services)) {
      for (const dependency of Object.keys(dependencies(svc))) expect(serviceNames).toContain(dependency);
    }
  });

  it('runs migrate once, through scripts that exist', () => {
    const migrate = service('migrate');
    expect(migrate.restart).toBe('no');
    expect(migrate.healthcheck?.disable).toBe(true);
    const script = [...(migrate.entrypoint ?? []), ...(migrate.command ?? [])].join(' ');
    const files = [...script.matchAll(/scripts\/[\w-]+\.ts/g)].map((m) => m[0]);
    expect(files).toEqual(['scripts/migrate.ts', 'scripts/seed.ts']);
    for (const file of files) expect(existsSync(path.join(root, file)), file).toBe(true);
  });

  it('lets a draining role finish before Docker sends SIGKILL', () => {
    for (const role of ROLE_SERVICES) {
      const svc = service(role);
      const drain = loadConfig(environmentOf(svc)).SHUTDOWN_TIMEOUT_S;
      expect(durationSeconds(svc.stop_grace_period ?? '10s'), role).toBeGreaterThan(drain);
    }
  });

  it('bind-mounts only paths that exist and uses only declared named volumes', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const source of bindSources(svc))
        expect(existsSync(path.join(root, source)), `${name}: ${source}`).toBe(true);
      for (const volume of namedVolumes(svc))
        expect(Object.keys(compose.volumes ?? {}), name).toContain(volume);
    }
  });

  it('runs Jaeger behind the tracing profile, taking OTLP over HTTP where the app is told to send it', () => {
    const jaeger = service('jaeger');
    expect(jaeger.profiles).toEqual(['tracing']);
    expect(jaeger.image).toMatch(/^jaegertracing\/jaeger:\d+\.\d+\.\d+$/);
    expect(containerPorts(jaeger)).toEqual(expect.arrayContaining([16686, 4318]));
    for (const name of APP_SERVICES) {
      expect(Object.keys(environmentOf(service(name))), name).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    }
    expect(read('docker-compose.yml')).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4318');
  });

  it('keeps Prometheus and Grafana behind the observability profile', () => {
    expect(service('prometheus').profiles).toEqual(['observability']);
    expect(service('grafana').profiles).toEqual(['observability']);
    for (const name of [...APP_SERVICES, 'postgres', 'rabbitmq'])
      expect(service(name).profiles, name).toBeUndefined();
  });
});

describe('RabbitMQ config', () => {
  it('enables the management and Prometheus plugins', () => {
    const plugins = /^\[(.*)\]\.\s*$/.exec(read('infra/rabbitmq/enabled_plugins'))?.[1]?.split(',');
    expect(plugins?.map((p) => p.trim())).toEqual(
      expect.arrayContaining(['rabbitmq_management', 'rabbitmq_prometheus']),
    );
  });

  it('listens where compose publishes and Prometheus scrapes', () => {
    const conf = rabbitmqConf();
    expect(containerPorts(service('rabbitmq'))).toEqual(
      expect.arrayContaining([Number(conf['listeners.tcp.default']), Number(conf['management.tcp.port'])]),
    );
    expect(conf['prometheus.tcp.port']).toBe('15692');
  });
});

interface PrometheusConfig {
  scrape_configs: {
    job_name: string;
    metrics_path?: string;
    authorization?: { type: string; credentials: string };
    dns_sd_configs?: { names: string[]; type: string; port: number }[];
    static_configs?: { targets: string[] }[];
  }[];
}

/** Every metric the platform and the apps export, and the names a query may select from them. */
async function exportedMetrics() {
  const registry = createMetrics().registry;
  const apps = new Set(
    (await readdir(path.join(root, 'functions'), { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name),
  );
  registerAppGauges(registry, await loadAppGauges(apps), console);
  const exported = await registry.getMetricsAsJSON();
  const selectable = new Set(['up']);
  for (const { name, type } of exported) {
    selectable.add(name);
    if (String(type) === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) selectable.add(name + suffix);
  }
  return { exported, selectable };
}

interface AlertRules {
  groups: {
    name: string;
    rules: {
      alert: string;
      expr: string;
      for?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }[];
  }[];
}

describe('Prometheus alert rules', () => {
  const rules = readYaml<AlertRules>('infra/prometheus/alerts.yml').groups.flatMap((group) => group.rules);

  it('are loaded by the compose Prometheus', () => {
    expect(readYaml<{ rule_files?: string[] }>('infra/prometheus/prometheus.yml').rule_files).toEqual([
      '/etc/prometheus/alerts.yml',
    ]);
    expect(service('prometheus').volumes).toContain(
      './infra/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro',
    );
  });

  it('watch dead letters, failing jobs, a stalled consumer and the outbox, each with a severity and a summary', () => {
    expect(rules.map((rule) => rule.alert)).toEqual([
      'DeadLettersGrowing',
      'JobsFailing',
      'ConsumerStalled',
      'OutboxLagging',
    ]);
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      if (rule.for !== undefined) expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
    }
  });

  it('query only metrics the app exports, from the fnstack job', async () => {
    const { selectable } = await exportedMetrics();
    for (const rule of rules) {
      const names = metricNames(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      for (const name of names) expect(selectable.has(name), `${rule.alert}: ${name}`).toBe(true);
      expect(rule.expr, rule.alert).toContain('job="fnstack"');
    }
  });
});

describe('Prometheus config', () => {
  const prometheus = readYaml<PrometheusConfig>('infra/prometheus/prometheus.yml');
  const job = (name: string) => prometheus.scrape_configs.find((j) => j.job_name === name);

  it('is the file the prometheus service mounts', () => {
    expect(service('prometheus').volumes).toContain(
      './infra/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
  });

  it('scrapes /metrics of every app role, each replica, on the port the app serves', () => {
    const app = job('fnstack');
    expect(app?.metrics_path ?? '/metrics').toBe('/metrics');
    const discovery = app?.dns_sd_configs?.[0];
    expect(discovery?.names).toEqual([...ROLE_SERVICES]);
    expect(discovery?.port).toBe(loadConfig(environmentOf(service('worker'))).PORT);
  });

  it('sends the token the app roles require, which production mode needs to open /metrics', () => {
    const config = loadConfig(environmentOf(service('worker')));
    expect(config.NODE_ENV).toBe('production');
    expect(job('fnstack')?.authorization).toEqual({ type: 'Bearer', credentials: config.METRICS_TOKEN });
  });

  it('scrapes RabbitMQ on its Prometheus plugin port', () => {
    const [host, port] = (job('rabbitmq')?.static_configs?.[0]?.targets[0] ?? '').split(':');
    expect(serviceNames).toContain(host);
    expect(port).toBe(rabbitmqConf()['prometheus.tcp.port']);
  });
});

interface GrafanaDatasources {
  datasources: { uid: string; type: string; url: string }[];
}
interface GrafanaProviders {
  providers: { options: { path: string } }[];
}
interface DashboardPanel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string }[];
}

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
]);

/** Metric names a PromQL expression selects (label matchers, ranges, grouping lists and functions removed). */
function metricNames(expr: string): string[] {
  const selectors = expr
    .replace(/"[^"]*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  return [...selectors.matchAll(/\b([a-zA-Z_:][\w:]*)\b(?!\s*\()/g)]
    .map((m) => m[1] ?? '')
    .filter((word) => !PROMQL_KEYWORDS.has(word));
}

describe('Grafana provisioning', () => {
  const grafana = service('grafana');
  const datasource = readYaml<GrafanaDatasources>('infra/grafana/provisioning/datasources/prometheus.yml')
    .datasources[0];
  const dashboard = JSON.parse(read('infra/grafana/dashboards/fnstack.json')) as {
    uid: string;
    panels: DashboardPanel[];
  };
  const queryPanels = dashboard.panels.filter((p) => p.type !== 'row');

  it('reads Prometheus from the compose service', () => {
    const url = new URL(datasource?.url ?? '');
    expect(datasource?.type).toBe('prometheus');
    expect(url.hostname).toBe('prometheus');
    expect(containerPorts(service('prometheus'))).toContain(Number(url.port));
  });

  it('loads dashboards from the folder compose mounts the repository dashboards into', () => {
    const provider = readYaml<GrafanaProviders>('infra/grafana/provisioning/dashboards/fnstack.yml')
      .providers[0];
    expect(grafana.volumes).toContain(`./infra/grafana/dashboards:${provider?.options.path}:ro`);
    for (const folder of ['datasources', 'dashboards']) {
      expect(grafana.volumes).toContain(
        `./infra/grafana/provisioning/${folder}:/etc/grafana/provisioning/${folder}:ro`,
      );
    }
  });

  it('queries the provisioned datasource in every panel', () => {
    expect(queryPanels.length).toBeGreaterThan(0);
    for (const panel of queryPanels) {
      expect(panel.datasource?.uid, panel.title).toBe(datasource?.uid);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it('queries only metrics the platform and the apps export, and shows every one of them', async () => {
    const { exported, selectable } = await exportedMetrics();
    const used = new Set<string>();
    for (const panel of queryPanels) {
      for (const target of panel.targets ?? []) {
        for (const name of metricNames(target.expr)) {
          expect(selectable.has(name), `${panel.title}: ${name}`).toBe(true);
          used.add(name.replace(/_(bucket|sum|count)$/, ''));
        }
      }
    }
    const platformMetrics = exported.map((m) => m.name).filter((n) => !/^(process|nodejs)_/.test(n));
    expect(platformMetrics).toContain('fnstack_imports_last_rows');
    expect(platformMetrics.length).toBeGreaterThan(0);
    for (const name of platformMetrics) expect(used.has(name), `no panel shows ${name}`).toBe(true);
  });
});

describe('.env.example', () => {
  const text = read('.env.example');
  const assigned = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? '');
  // Compose's own variable: documented, kept commented.
  const placeholders = ['COMPOSE_PROFILES'];

  it('lists every variable of the config schema', () => {
    expect(assigned).toEqual(expect.arrayContaining(configKeys()));
  });

  it('names nothing but config variables and documented placeholders', () => {
    const known = new Set([...configKeys(), ...placeholders]);
    for (const name of assigned) expect(known.has(name), name).toBe(true);
    expect(new Set(assigned).size).toBe(assigned.length);
  });

  it('keeps the placeholders commented out', () => {
    const active = Object.keys(parseEnv(text));
    for (const name of placeholders) expect(active, name).not.toContain(name);
  });

  it('changes nothing when copied untouched to .env: active lines are the defaults', () => {
    expect(settingsOf(loadConfig(parseEnv(text), apps))).toEqual(settingsOf(loadConfig({}, apps)));
  });
});

describe('the SQS flavour', () => {
  it('runs LocalStack, pinned, behind the sqs profile, with the generated topology and its init hook', () => {
    const localstack = service('localstack');
    expect(localstack.profiles).toEqual(['sqs']);
    expect(localstack.image).toMatch(/^localstack\/localstack:4\.14\.0$/);
    const mounts = (localstack.volumes as string[]).map((v) => v.split(':')[0]);
    expect(mounts).toEqual(
      expect.arrayContaining(['./infra/localstack/ready.d', './infra/localstack/topology.json']),
    );
    expect(localstack.healthcheck).toBeDefined();
  });

  it("serves the database secret from LocalStack's Secrets Manager, for DATABASE_SECRET_ID=fnstack/db", () => {
    const localstack = service('localstack');
    expect(String(environmentOf(localstack).SERVICES).split(',')).toEqual(['sqs', 'secretsmanager']);
    const hook = read('infra/localstack/ready.d/create-db-secret.sh');
    const secret = JSON.parse(/--secret-string '([^']+)'/.exec(hook)![1]!) as Record<string, unknown>;
    // The compose Postgres, as its service declares it.
    const postgres = environmentOf(service('postgres'));
    expect(secret).toMatchObject({
      username: postgres.POSTGRES_USER,
      password: postgres.POSTGRES_PASSWORD,
      dbname: postgres.POSTGRES_DB,
      host: 'postgres',
      port: 5432,
    });
    expect(hook).toContain('name=fnstack/db');
    for (const name of APP_SERVICES) {
      const environment = environmentOf(service(name));
      // Unset by default (the URL is used); the SDK finds LocalStack when it is set.
      expect(loadConfig(environment).DATABASE_SECRET_ID, name).toBeUndefined();
      expect(environment.AWS_ENDPOINT_URL_SECRETS_MANAGER, name).toBe('http://localstack:4566');
    }
  });

  it('switches every app service between RabbitMQ and LocalStack with QUEUE_DRIVER alone', () => {
    expect(read('docker-compose.yml')).toContain('QUEUE_DRIVER: ${QUEUE_DRIVER:-rabbitmq}');
    for (const name of APP_SERVICES) {
      const environment = environmentOf(service(name));
      expect(environment.QUEUE_DRIVER, name).toBe('rabbitmq');
      expect(new URL(environment.SQS_ENDPOINT ?? '').hostname, name).toBe('localstack');
      expect(loadConfig({ ...environment, QUEUE_DRIVER: 'sqs' }).queueDriver, name).toBe('sqs');
    }
  });
});

describe('infra/localstack/topology.json', () => {
  it('matches the queues the manifest derives (npm run infra:topology)', async () => {
    const { sqsTopologyFile } = await import('../../scripts/generate-sqs-topology.ts');
    const { loadManifest } = await import('../../shared/runtime/manifest.ts');
    const committed = JSON.parse(read('infra/localstack/topology.json')) as unknown;
    expect(committed).toEqual(sqsTopologyFile(await loadManifest()));
  });
});
