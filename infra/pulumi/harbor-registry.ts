import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { DerivedSecret } from '../model/secrets.js';
import type { Unit } from '../model/types.js';
import { HarborProject } from './harbor/project.js';
import { HarborRobot, RobotAccess } from './harbor/robot.js';
import { HarborProxyCache } from './harbor/proxy-cache.js';
import type { MirrorProxy } from '../model/mirrors.js';
import { registerUnitResources, type UnitContext } from './unit-resources.js';

export interface HarborRegistryArgs {
  /** The registry unit of the core: Harbor's namespace, its certificate and the Harbor Helm release. */
  readonly unit: Unit;
  /** The provider, secrets, environment and namespaces of the stack. */
  readonly context: UnitContext;
  /** The Harbor user the project and robots are managed as. @default 'admin' */
  readonly adminUser?: string;
  /** Proxy-cache projects the declared mirrors need (`mirrorProxies(modules/mirrors.ts)`). @default [] */
  readonly mirrorProxies?: readonly MirrorProxy[];
}

/**
 * The registry unit (`icv:platform:Registry`): Harbor through its Helm release, and inside Harbor the environment's
 * project and two robot accounts, created once the release is installed. The robots' secrets are the platform's
 * derived secrets: `pull` feeds every namespace's image pull secret, `push` the pipelines' Harbor credential.
 * Those consumers depend on a robot only through its secret output; nothing else waits for Harbor.
 */
export class HarborRegistry extends pulumi.ComponentResource {
  /** Harbor's URL, `https://<registry host>`: its API, UI and `docker login` address. */
  public readonly url: string;
  public readonly adminUser: string;
  /** One resource per object of the unit. */
  public readonly objects: readonly pulumi.CustomResource[];
  /** The Harbor release (the unit's only Helm release). */
  public readonly release: k8s.helm.v3.Release;
  public readonly project: HarborProject;
  /** Pull-only robot of the project: the cluster's image pull secret. */
  public readonly pullRobot: HarborRobot;
  /** Push robot of the project: the pipelines' Harbor credential. */
  public readonly pushRobot: HarborRobot;
  /** One proxy-cache project per upstream registry of the declared mirrors, by project name. */
  public readonly proxyCaches: Readonly<Record<string, HarborProxyCache>>;
  /** The secrets this unit produces for the rest of the platform, by marker name. */
  public readonly derivedSecrets: Readonly<Record<DerivedSecret, pulumi.Output<string>>>;

  constructor(name: string, args: HarborRegistryArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(`icv:platform:${args.unit.kind}`, name, {}, opts);
    const { env } = args.context;
    this.url = `https://${env.registry.host}`;
    this.adminUser = args.adminUser ?? 'admin';
    const resources = registerUnitResources(args.unit, args.context, this);
    if (resources.releases.length !== 1) {
      throw new Error(`registry unit '${args.unit.id}' must hold exactly one Helm release (Harbor), not ${resources.releases.length}`);
    }
    this.objects = resources.objects;
    this.release = resources.releases[0]!;

    const apiUrl = args.context.config.testOnly.harborApiUrl ?? this.url;
    const api = { url: apiUrl, username: this.adminUser, password: args.context.secrets('harborAdminPassword') };
    // Harbor's API answers only once the release is installed and its pods are ready.
    const afterHarbor = { parent: this, dependsOn: [this.release] };
    this.project = new HarborProject(`${name}-project`, { api, name: env.registry.project }, afterHarbor);
    const robot = (access: RobotAccess) =>
      new HarborRobot(`${name}-robot-${access}`, { api, project: this.project.name, name: access, access }, afterHarbor);
    this.pullRobot = robot(RobotAccess.PULL);
    this.pushRobot = robot(RobotAccess.PUSH);
    this.proxyCaches = Object.fromEntries(
      (args.mirrorProxies ?? []).map((proxy) => [proxy.project, new HarborProxyCache(`${name}-proxy-${proxy.project}`, { api, name: proxy.project, upstream: proxy.upstream }, afterHarbor)]),
    );
    this.derivedSecrets = { harborPullRobot: this.pullRobot.secret, harborPushRobot: this.pushRobot.secret };

    this.registerOutputs({ url: this.url, project: this.project.name, pullRobot: this.pullRobot.robotName, pushRobot: this.pushRobot.robotName, proxyCaches: Object.keys(this.proxyCaches) });
  }
}
