import * as k8s from '@pulumi/kubernetes';
import { mirrorProxies, type MirrorImage } from '../model/mirrors.js';
import * as pulumi from '@pulumi/pulumi';
import { TIERS, type ModuleSpec, type Tier } from '../schema/module.js';
import { buildPlatform } from '../synth/build-platform.js';
import { DERIVED_SECRETS, type DerivedSecret, type SecretKey } from '../model/secrets.js';
import type { Platform, Unit } from '../model/types.js';
import type { Environment } from '../schema/environment.js';
import { clusterIdentityGate } from './cluster-guard.js';
import { RegistrationWaves } from './registration-waves.js';
import { HarborRegistry } from './harbor-registry.js';
import { PlatformUnit } from './platform-unit.js';
import { withoutPromiseTraces } from './promise-traces.js';
import type { SecretSource } from './secret-values.js';
import { registryHtpasswd } from './htpasswd.js';
import { REGISTRY_USER } from '../synth/registry/harbor-release.js';
import type { StackConfig } from './stack-config.js';
import { NamespaceIndex, type UnitContext } from './unit-resources.js';

export interface PlatformStackArgs {
  /** The environment this stack applies; the stack carries its name. */
  readonly env: Environment;
  /** The validated service catalog. */
  readonly catalog: readonly ModuleSpec[];
  /** The stack's config, read once by the entry point. */
  readonly config: StackConfig;
  /** Warnings from validating the inputs, logged on this component. @default [] */
  readonly warnings?: readonly string[];
  /** Third-party images the platform runs (`modules/mirrors.ts`); each upstream registry gets a Harbor proxy cache. @default [] */
  readonly mirrors?: readonly MirrorImage[];
}

const MODULE_PREFIX = 'module/';

/**
 * The whole platform of one environment: one explicit Kubernetes provider for the stack's cluster, then one component
 * per unit of the pure core (`icv:platform:Cluster`, `SharedInfra`, `Registry`, `DevOps`, and an `icv:platform:Module`
 * named after each module), whose children are the unit's objects as typed Kubernetes resources.
 *
 * The registry unit is created first, because its Harbor robots produce the secrets other units' Secrets hold; the
 * other units follow in the core's order, which puts shared-infra (the modules' namespaces) before the modules.
 */
export class PlatformStack extends pulumi.ComponentResource {
  /** Everything the pure core synthesized for the environment: the objects this stack applies. */
  public readonly platform: Platform;
  /** The one Kubernetes provider every Kubernetes resource of the stack uses. */
  public readonly provider: k8s.Provider;
  public readonly registry: HarborRegistry;
  /** Every unit component, the registry's included, by unit id; complete once `ready` resolved. */
  public readonly units: ReadonlyMap<string, PlatformUnit | HarborRegistry>;
  /**
   * Resolves once every unit component is created. The registry is created in the constructor; the other units
   * follow one per macrotask once the cluster check passed (see `createUnits`), so that the SDK holds one unit's
   * pending registrations at a time instead of every resource's. When the check fails it creates nothing more (the
   * registry's resources report the failure). The entry point awaits it.
   */
  public readonly ready: Promise<void>;
  /** Public host names the Ingresses route, sorted. */
  public readonly publicHosts: readonly string[];
  /** Harbor's URL. */
  public readonly registryUrl: string;
  /** The KubeSphere workspace the platform's namespaces belong to. */
  public readonly workspace: string;
  /** The KubeSphere DevOps project that holds the release pipelines. */
  public readonly devopsProject: string;
  /** How many modules the stack applies, by tier. */
  public readonly modulesByTier: Readonly<Record<Tier, number>>;
  /** Kubernetes resources the stack registers: one per object of `dist/<env>/manifests/`, plus the Helm releases. */
  public readonly kubernetesResources: number;
  /**
   * The image each module's workload runs, by module name, as this stack applies it: after an `up`, the stack output
   * says what was last applied (read by `npm run status`).
   */
  public readonly appliedImages: Readonly<Record<string, string>>;

  constructor(name: string, args: PlatformStackArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('icv:platform:PlatformStack', name, {}, opts);
    const { env, config } = args;
    if (config.stack !== env.name) {
      throw new pulumi.RunError(`the config of stack '${config.stack}' cannot apply environment '${env.name}': the stack name picks the environment`);
    }
    for (const warning of args.warnings ?? []) void pulumi.log.warn(warning, this);
    this.platform = buildPlatform(env, args.catalog);

    this.provider = new k8s.Provider(
      `${name}-kubernetes`,
      {
        context: config.kubeContext,
        ...(config.kubeconfig === undefined ? {} : { kubeconfig: config.kubeconfig }),
        // Node labels are applied as NodePatch resources, which need server-side apply (the v4 default, made explicit).
        enableServerSideApply: true,
      },
      { parent: this },
    );

    let derived: Readonly<Record<DerivedSecret, pulumi.Output<string>>> | undefined;
    const secrets: SecretSource = (secret) => {
      if (secret === 'harborRegistryHtpasswd') return pulumi.secret(config.secrets.harborRegistryPassword.apply((password) => registryHtpasswd(REGISTRY_USER, password)));
      if (!Object.hasOwn(DERIVED_SECRETS, secret)) return config.secrets[secret as SecretKey];
      if (derived === undefined) throw new Error(`secret '${secret}' is produced by the registry unit, which is not created yet`);
      return derived[secret as DerivedSecret];
    };
    // The server the provider reaches must be the stack's cluster: its kube-system Namespace UID is read first.
    const kubeSystem = k8s.core.v1.Namespace.get(`${name}-kube-system`, 'kube-system', { parent: this, provider: this.provider });
    const check = clusterIdentityGate(config.stack, env, config.clusterIdentity, kubeSystem);
    const clusterVerified = new RegistrationWaves(check);
    const context: UnitContext = { env, provider: this.provider, secrets, namespaces: NamespaceIndex.of(this.platform), clusterVerified, config };
    const childOpts = { parent: this };

    const registryUnit = single(this.platform, 'Registry');
    this.registry = withoutPromiseTraces(
      () => new HarborRegistry(registryUnit.id, { unit: registryUnit, context, mirrorProxies: mirrorProxies(args.mirrors ?? []) }, childOpts),
    );
    derived = this.registry.derivedSecrets;
    const units = new Map<string, PlatformUnit | HarborRegistry>([[registryUnit.id, this.registry]]);
    this.units = units;
    this.ready = createUnits(
      check,
      this.platform.units.filter((unit) => unit !== registryUnit),
      (unit) => units.set(unit.id, new PlatformUnit(componentName(unit), { unit, context }, childOpts)),
    );

    const objects = this.platform.units.flatMap((u) => u.objects);
    this.publicHosts = [
      ...new Set(objects.filter((o) => o.kind === 'Ingress').flatMap((o) => ((o.spec as IngressSpec).rules ?? []).map((r) => r.host))),
    ].sort();
    this.registryUrl = this.registry.url;
    this.workspace = singleObject(this.platform, 'WorkspaceTemplate');
    this.devopsProject = singleObject(this.platform, 'DevOpsProject');
    const tiers = new Map(args.catalog.map((m) => [m.name, m.tier]));
    const modules = this.platform.units.filter((u) => u.kind === 'Module').map((u) => tiers.get(u.id.slice(MODULE_PREFIX.length)));
    this.modulesByTier = Object.fromEntries(TIERS.map((tier) => [tier, modules.filter((t) => t === tier).length])) as Record<Tier, number>;
    this.kubernetesResources = objects.length + this.platform.units.reduce((n, u) => n + u.helmReleases.length, 0);
    this.appliedImages = moduleImages(this.platform);

    this.registerOutputs({
      publicHosts: this.publicHosts,
      registryUrl: this.registryUrl,
      workspace: this.workspace,
      devopsProject: this.devopsProject,
      modulesByTier: this.modulesByTier,
      kubernetesResources: this.kubernetesResources,
      appliedImages: this.appliedImages,
    });
  }
}

/**
 * Creates the units in the core's order, one per macrotask, after the cluster check passed.
 *
 * Constructing a resource costs the SDK about 75 KB until its registration is answered (an Output per property, each
 * with Promises that carry a captured stack trace): created in one synchronous loop, all 6,400 resources of the ×10
 * bench held that at once (about 530 MB live) before the first was sent. Created a unit at a time after the check,
 * each unit's registrations are serialized and sent in its own microtask drain before the next unit exists. The
 * units, resources, URNs, dependencies and order are the same; no unit waits for another unit's creation.
 */
export async function createUnits(check: Promise<pulumi.Resource>, units: readonly Unit[], create: (unit: Unit) => void): Promise<void> {
  try {
    await check;
  } catch {
    // Nothing more is created. The registry unit's resources, created in the constructor, wait for the check and
    // report its failure, through the SDK, within the same run (cluster-guard.ts).
    return;
  }
  for (const unit of units) {
    await new Promise((resolve) => setImmediate(resolve));
    withoutPromiseTraces(() => create(unit));
  }
}

interface IngressSpec {
  readonly rules?: readonly { readonly host: string }[];
}

interface PodOwnerSpec {
  readonly template?: { readonly spec?: { readonly containers?: readonly { readonly image?: string }[] } };
}

/** The first container image of each module's workload (its Deployment or StatefulSet), modules in name order. */
function moduleImages(platform: Platform): Record<string, string> {
  const images: [string, string][] = [];
  for (const unit of platform.units) {
    if (unit.kind !== 'Module') continue;
    const workload = unit.objects.find((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
    const image = (workload?.spec as PodOwnerSpec | undefined)?.template?.spec?.containers?.[0]?.image;
    if (image !== undefined) images.push([unit.id.slice(MODULE_PREFIX.length), image]);
  }
  return Object.fromEntries(images.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A module's component is named after the module; a platform part's after its unit id. */
function componentName(unit: Unit): string {
  return unit.kind === 'Module' ? unit.id.slice(MODULE_PREFIX.length) : unit.id;
}

function single(platform: Platform, kind: Unit['kind']): Unit {
  const found = platform.units.filter((u) => u.kind === kind);
  if (found.length !== 1) throw new Error(`environment '${platform.env}' must have exactly one ${kind} unit, not ${found.length}`);
  return found[0]!;
}

/** The name of the one object of a kind. */
function singleObject(platform: Platform, kind: string): string {
  const found = platform.units.flatMap((u) => u.objects).filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`environment '${platform.env}' must have exactly one ${kind}, not ${found.length}`);
  return found[0]!.metadata.name;
}
