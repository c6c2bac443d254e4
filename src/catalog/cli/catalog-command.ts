/** `wharf catalog`: commander wiring of the svcat verbs in `catalog-cli.ts`. */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseGoDuration } from '../../api/resources/servicecatalog/index.js';
import { ApiClient } from '../../client/index.js';
import { CatalogCli, type GetKind, type OutputFormat } from './catalog-cli.js';

interface CommonFlags {
  kubeconfig?: string;
  namespace: string;
}

interface ParameterFlags {
  param: string[];
  paramsJson?: string;
  secret: { name: string; key: string }[];
}

interface WaitFlags {
  wait?: boolean;
  timeout: number;
}

/** The options provision and bind share: namespace, parameters, external id and waiting. */
function creationOptions(f: CommonFlags & ParameterFlags & WaitFlags & { externalId?: string }) {
  return {
    namespace: f.namespace,
    parameters: buildParameters(f),
    secretParameters: f.secret,
    ...(f.externalId ? { externalId: f.externalId } : {}),
    wait: Boolean(f.wait),
    timeoutMs: f.timeout,
  };
}

function kubeconfigPath(flag: string | undefined): string {
  return flag ?? process.env.KUBECONFIG ?? './.wharf/kubeconfig';
}

async function withCli<T>(flags: { kubeconfig?: string }, run: (cli: CatalogCli) => Promise<T>): Promise<T> {
  const client = ApiClient.fromKubeconfig(kubeconfigPath(flags.kubeconfig), { component: 'catalog' });
  try {
    return await run(new CatalogCli({ client }));
  } finally {
    client.close();
  }
}

function collect<T>(parse: (v: string) => T) {
  return (value: string, previous: T[]): T[] => [...previous, parse(value)];
}

/** `key=value`; the value is JSON when it reads as JSON (numbers, booleans, arrays, objects), else a string. */
export function parseParam(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('must be key=value');
  const key = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  try {
    return [key, JSON.parse(raw) as unknown];
  } catch {
    return [key, raw];
  }
}

/** `secret[key]`, svcat's spelling of a parametersFrom Secret key. */
export function parseSecretKey(text: string): { name: string; key: string } {
  const m = /^([^[\]]+)\[([^[\]]+)\]$/.exec(text);
  if (!m) throw new InvalidArgumentError('must be secret[key]');
  return { name: m[1], key: m[2] };
}

function parseTimeout(text: string): number {
  const ms = parseGoDuration(text);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('must be a duration such as 90s or 5m');
  return ms;
}

/** The parameters from --params-json and each --param (which win over the JSON). */
export function buildParameters(flags: ParameterFlags): Record<string, unknown> {
  let base: Record<string, unknown> = {};
  if (flags.paramsJson !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(flags.paramsJson);
    } catch (e) {
      throw new Error(`--params-json is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('--params-json must be a JSON object');
    base = parsed as Record<string, unknown>;
  }
  for (const p of flags.param) {
    const [k, v] = parseParam(p);
    base[k] = v;
  }
  return base;
}

function common(cmd: Command, namespaceHelp = 'the namespace'): Command {
  return cmd
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG or ./.wharf/kubeconfig)')
    .option('-n, --namespace <ns>', namespaceHelp, 'default');
}

function waiting(cmd: Command, what: string): Command {
  return cmd.option('--wait', `wait until ${what}`).option('--timeout <duration>', 'how long --wait waits', parseTimeout, 5 * 60_000);
}

function parameters(cmd: Command): Command {
  return cmd
    .option('-p, --param <key=value>', 'a parameter (repeatable); JSON values such as 5 or ["a"] are parsed', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--params-json <json>', 'parameters as a JSON object')
    .option('-s, --secret <secret[key]>', 'merge the JSON object in this Secret key into the parameters (repeatable)', collect(parseSecretKey), [] as { name: string; key: string }[]);
}

/** Adds `wharf catalog` and its verbs to the program. */
export function registerCatalogCommand(program: Command): void {
  const catalog = program.command('catalog').description('use the service catalog: brokers, the marketplace, instances and bindings (the svcat verbs)');

  catalog
    .command('register <name>')
    .description('register a broker: a ClusterServiceBroker, or a ServiceBroker with -n')
    .requiredOption('--url <url>', 'the broker address')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG or ./.wharf/kubeconfig)')
    .option('-n, --namespace <ns>', 'register a namespaced ServiceBroker in this namespace')
    .option('--basic-secret <secret>', 'Secret with the username and password keys for basic authentication')
    .option('--bearer-secret <secret>', 'Secret with the token key for bearer authentication')
    .option('--secret-namespace <ns>', "namespace of a ClusterServiceBroker's auth Secret", 'default')
    .option('--ca <file>', "PEM file of the CA that signed the broker's certificate")
    .option('--skip-tls', "do not verify the broker's certificate")
    .addOption(new Option('--relist-behavior <behavior>', 'when the catalog is fetched again').choices(['Duration', 'Manual']))
    .option('--relist-duration <duration>', 'how often, with --relist-behavior Duration (e.g. 15m0s)')
    .option('--class-restrictions <predicate>', 'keep only classes matching (repeatable), e.g. "spec.externalName in (postgresql)"', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--plan-restrictions <predicate>', 'keep only plans matching (repeatable), e.g. "spec.free==true"', (v: string, p: string[]) => [...p, v], [] as string[])
    .action(
      async (
        name: string,
        f: {
          url: string;
          kubeconfig?: string;
          namespace?: string;
          basicSecret?: string;
          bearerSecret?: string;
          secretNamespace: string;
          ca?: string;
          skipTls?: boolean;
          relistBehavior?: string;
          relistDuration?: string;
          classRestrictions: string[];
          planRestrictions: string[];
        },
      ) => {
        await withCli(f, (cli) =>
          cli.register(name, {
            url: f.url,
            ...(f.namespace !== undefined ? { namespace: f.namespace } : {}),
            ...(f.basicSecret ? { basicSecret: f.basicSecret } : {}),
            ...(f.bearerSecret ? { bearerSecret: f.bearerSecret } : {}),
            secretNamespace: f.secretNamespace,
            ...(f.ca ? { caPem: readFileSync(f.ca, 'utf8') } : {}),
            ...(f.skipTls ? { skipTlsVerify: true } : {}),
            ...(f.relistBehavior ? { relistBehavior: f.relistBehavior } : {}),
            ...(f.relistDuration ? { relistDuration: f.relistDuration } : {}),
            classRestrictions: f.classRestrictions,
            planRestrictions: f.planRestrictions,
          }),
        );
      },
    );

  catalog
    .command('deregister <name>')
    .description('remove a broker (its classes and plans go with it)')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG or ./.wharf/kubeconfig)')
    .option('-n, --namespace <ns>', 'a namespaced ServiceBroker in this namespace')
    .action(async (name: string, f: { kubeconfig?: string; namespace?: string }) => {
      await withCli(f, (cli) => cli.deregister(name, f.namespace));
    });

  catalog
    .command('sync <name>')
    .description("fetch a broker's catalog again (raises spec.relistRequests)")
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG or ./.wharf/kubeconfig)')
    .option('-n, --namespace <ns>', 'a namespaced ServiceBroker in this namespace')
    .action(async (name: string, f: { kubeconfig?: string; namespace?: string }) => {
      await withCli(f, (cli) => cli.sync(name, f.namespace));
    });

  common(catalog.command('marketplace').description('the classes and plans on offer'), 'also show the ServiceClasses of this namespace').action(async (f: CommonFlags) => {
    await withCli(f, (cli) => cli.marketplace(f.namespace));
  });

  waiting(
    parameters(
      common(catalog.command('provision <name>').description('create a ServiceInstance of a class and plan'))
        .requiredOption('--class <class>', 'the class (external name, as marketplace shows it)')
        .requiredOption('--plan <plan>', 'the plan (external name)')
        .option('--external-id <id>', 'the instance id sent to the broker (generated when absent)'),
    ),
    'the instance is Ready (exits non-zero if it Failed)',
  ).action(async (name: string, f: CommonFlags & ParameterFlags & WaitFlags & { class: string; plan: string; externalId?: string }) => {
    await withCli(f, (cli) =>
      cli.provision(name, { ...creationOptions(f), className: f.class, planName: f.plan }),
    );
  });

  waiting(
    common(catalog.command('deprovision <name>').description('delete a ServiceInstance (the broker deprovisions it first)')).option(
      '--abandon',
      'delete it without calling the broker, leaving the service instance there (annotates servicecatalog.wharf.dev/abandon=true)',
    ),
    'the instance is gone',
  ).action(async (name: string, f: CommonFlags & WaitFlags & { abandon?: boolean }) => {
    await withCli(f, (cli) => cli.deprovision(name, { namespace: f.namespace, abandon: Boolean(f.abandon), wait: Boolean(f.wait), timeoutMs: f.timeout }));
  });

  waiting(
    parameters(
      common(catalog.command('bind <instance>').description('create a ServiceBinding: credentials for the instance in a Secret'))
        .option('--name <binding>', 'the binding name (default: the instance name)')
        .option('--secret-name <secret>', 'the Secret the credentials go to (default: the binding name)')
        .option('--external-id <id>', 'the binding id sent to the broker (generated when absent)'),
    ),
    'the binding is Ready and its Secret written',
  ).action(async (instance: string, f: CommonFlags & ParameterFlags & WaitFlags & { name?: string; secretName?: string; externalId?: string }) => {
    await withCli(f, (cli) =>
      cli.bind(instance, {
        ...creationOptions(f),
        ...(f.name ? { name: f.name } : {}),
        ...(f.secretName ? { secretName: f.secretName } : {}),
      }),
    );
  });

  waiting(
    common(catalog.command('unbind [instance]').description("delete an instance's bindings, or one binding with --name"))
      .option('--name <binding>', 'only this binding')
      .option('--abandon', 'delete without calling the broker, leaving the credentials valid there'),
    'the bindings are gone',
  ).action(async (instance: string | undefined, f: CommonFlags & WaitFlags & { name?: string; abandon?: boolean }) => {
    await withCli(f, (cli) =>
      cli.unbind(instance, { namespace: f.namespace, ...(f.name ? { name: f.name } : {}), abandon: Boolean(f.abandon), wait: Boolean(f.wait), timeoutMs: f.timeout }),
    );
  });

  waiting(
    common(catalog.command('rotate <binding>').description("replace a binding's credentials with new ones (plans with binding_rotatable)")),
    'the binding has new credentials',
  ).action(async (name: string, f: CommonFlags & WaitFlags) => {
    await withCli(f, (cli) => cli.rotate(name, { namespace: f.namespace, wait: Boolean(f.wait), timeoutMs: f.timeout }));
  });

  waiting(
    common(catalog.command('upgrade <instance>').description("accept the maintenance_info upgrade the instance's plan offers")).option(
      '--version <version>',
      'the maintenance_info version to accept (default: latest, whatever the plan offers)',
    ),
    'the instance has the new version',
  ).action(async (name: string, f: CommonFlags & WaitFlags & { version?: string }) => {
    await withCli(f, (cli) => cli.upgrade(name, { namespace: f.namespace, ...(f.version ? { version: f.version } : {}), wait: Boolean(f.wait), timeoutMs: f.timeout }));
  });

  common(catalog.command('get <kind> [name]').description('list brokers, classes, plans, instances or bindings'), 'the namespace of namespaced objects')
    .option('-A, --all-namespaces', 'namespaced objects of every namespace')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'))
    .action(async (kind: string, name: string | undefined, f: CommonFlags & { allNamespaces?: boolean; output: OutputFormat }) => {
      const kinds: Record<string, GetKind> = {
        broker: 'brokers', brokers: 'brokers',
        class: 'classes', classes: 'classes',
        plan: 'plans', plans: 'plans',
        instance: 'instances', instances: 'instances',
        binding: 'bindings', bindings: 'bindings',
      };
      const k = kinds[kind];
      if (!k) throw new Error(`unknown kind "${kind}": use brokers, classes, plans, instances or bindings`);
      await withCli(f, (cli) => cli.get(k, name, { namespace: f.namespace, allNamespaces: Boolean(f.allNamespaces), output: f.output }));
    });

  common(catalog.command('describe <kind> <name>').description('details of an instance or a binding')).action(async (kind: string, name: string, f: CommonFlags) => {
    const k = kind.replace(/s$/, '');
    if (k !== 'instance' && k !== 'binding') throw new Error(`unknown kind "${kind}": use instance or binding`);
    await withCli(f, (cli) => cli.describe(k, name, f.namespace));
  });
}
