import bcrypt from 'bcryptjs';
import { registryHtpasswd } from '../../infra/pulumi/htpasswd.js';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlatform } from '../../infra/synth/build-platform.js';
import { loadInputs } from '../../infra/cli/inputs.js';
import { renderPlatform } from '../../infra/synth/render.js';
import { fillSecrets, type SecretName } from '../../infra/model/secrets.js';
import type { KubeObject, Platform, Unit } from '../../infra/model/types.js';
import type { Environment } from '../../infra/schema/environment.js';
import { PROTECTED_KINDS } from '../../infra/model/protection.js';
import {
  isSecret,
  robotSecret,
  sharedProgramRun,
  stackConfigFromFiles,
  testSecrets,
  unwrapSecrets,
  withoutSecrets,
  type ProgramRun,
  type Registration,
} from './stack-harness.js';

/** Protected in every environment: the DevOpsProject's controller owns the DevOps namespace. */
const PROTECTED_EVERYWHERE = ['DevOpsProject'];
const RELEASE_TYPE = 'kubernetes:helm.sh/v3:Release';
const DYNAMIC_TYPE = 'pulumi-nodejs:dynamic:Resource';

const identity = (apiVersion: string, kind: string, namespace: string | undefined, name: string) => `${apiVersion} ${kind} ${namespace ?? ''}/${name}`;
const objectId = (o: KubeObject) => identity(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
const registeredId = (r: Registration) => identity(r.inputs.apiVersion, r.inputs.kind, r.inputs.metadata?.namespace, r.inputs.metadata?.name);

/** `kubernetes:apps/v1:Deployment` for apps/v1 Deployment; Nodes are patched, never created. */
function expectedType(o: KubeObject): string {
  const groupVersion = o.apiVersion.includes('/') ? o.apiVersion : `core/${o.apiVersion}`;
  return `kubernetes:${groupVersion}:${o.kind === 'Node' ? 'NodePatch' : o.kind}`;
}

/** Every object of `dist/<env>/manifests/`, parsed back from the rendered files. */
function manifestObjects(platform: Platform): KubeObject[] {
  return [...renderPlatform(platform)]
    .filter(([path]) => path.startsWith('manifests/'))
    .flatMap(([, text]) => parseAllDocuments(text).map((doc) => doc.toJS() as KubeObject));
}

/**
 * The assertions every stack must pass, run against the real program under mocks with the stack's own config file.
 * Each stack's test file calls this once.
 */
export function describeStackProgram(stack: string): void {
  describe(`the Pulumi program on stack '${stack}'`, () => {
    let run: ProgramRun;
    let env: Environment;
    let platform: Platform;
    let objects: KubeObject[];
    let byUrn: Map<string, Registration>;
    let kube: Registration[];
    let objectRegs: Registration[];
    let registered: Map<string, Registration>;
    const ofType = (type: string) => run.registrations.filter((r) => r.type === type);
    const named = (type: string, name: string) => {
      const found = run.registrations.find((r) => r.type === type && r.name === name);
      if (!found) throw new Error(`no ${type} named ${name}`);
      return found;
    };
    const regOf = (o: KubeObject) => registered.get(objectId(o))!;
    /** The kube-system Namespace the program reads (a read, not a registration) to prove which cluster it reached. */
    const kubeSystemRead = `urn:pulumi:${stack}::icv-platform::icv:platform:PlatformStack$kubernetes:core/v1:Namespace::platform-kube-system`;

    beforeAll(async () => {
      run = await sharedProgramRun(stack);
      const [inputs] = loadInputs([stack]);
      env = inputs!.env;
      platform = buildPlatform(env, inputs!.catalog);
      objects = platform.units.flatMap((u) => u.objects);
      byUrn = new Map(run.registrations.map((r) => [r.urn, r]));
      kube = run.registrations.filter((r) => r.type.startsWith('kubernetes:'));
      objectRegs = kube.filter((r) => r.type !== RELEASE_TYPE);
      registered = new Map(objectRegs.map((r) => [registeredId(r), r]));
    }, 240_000);

    it('registers exactly one typed Kubernetes resource per object of dist/<env>/manifests/', () => {
      const manifests = manifestObjects(platform).map(objectId).sort();
      expect(manifests.length).toBe(objects.length);
      expect(objectRegs.map(registeredId).sort()).toEqual(manifests);
      expect(registered.size).toBe(objectRegs.length);
      for (const o of objects) expect(regOf(o).type, objectId(o)).toBe(expectedType(o));
    });

    it('names each resource <namespace>/<name>, or <name> when cluster-scoped', () => {
      for (const o of objects) expect(regOf(o).name).toBe(o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);
      expect(ofType(RELEASE_TYPE).map((r) => r.name)).toEqual(['harbor/harbor']);
    });

    it('applies each object as synthesized, with patch force; Secrets get their values filled in', () => {
      const secrets = testSecrets(stack) as Record<string, string>;
      const value = (name: SecretName) =>
        name === 'harborPullRobot' ? robotSecret(stack, 'pull') : name === 'harborPushRobot' ? robotSecret(stack, 'push') : secrets[`icv:${name}`]!;
      // Every object takes back fields another field manager took (kubectl scale, the console, KubeKey's node labels).
      const applied = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, 'pulumi.com/patchForce': 'true' } } });
      for (const o of objects) {
        const inputs = unwrapSecrets(regOf(o).inputs) as Record<string, unknown>;
        expect((inputs.metadata as KubeObject['metadata']).annotations?.['pulumi.com/patchForce'], objectId(o)).toBe('true');
        if (o.kind !== 'Secret' || o.stringData === undefined) {
          expect(inputs, objectId(o)).toEqual(applied(o));
          continue;
        }
        const filled = Object.fromEntries(Object.entries(o.stringData as Record<string, string>).map(([k, v]) => [k, fillSecrets(v, value)]));
        expect(inputs, objectId(o)).toEqual({ ...applied(o), stringData: filled });
      }
    });

    it('gives every Kubernetes resource the stack\'s one explicit provider, for the context its stack file names', () => {
      const providers = ofType('pulumi:providers:kubernetes');
      expect(providers).toHaveLength(1);
      const [provider] = providers as [Registration];
      expect(provider.inputs.context).toBe(stackConfigFromFiles(stack)['icv:kubeContext']);
      expect(kube.length).toBeGreaterThan(objects.length);
      for (const r of kube) expect(r.provider, `${r.type} ${r.name}`).toBe(`${provider.urn}::${provider.id}`);
    });

    it('groups the resources in one icv:platform:<kind> component per unit, modules named after the module', () => {
      const top = named('icv:platform:PlatformStack', 'platform');
      const componentOf = (unit: Unit) => named(`icv:platform:${unit.kind}`, unit.kind === 'Module' ? unit.id.slice('module/'.length) : unit.id);
      expect(run.registrations.filter((r) => r.type.startsWith('icv:platform:') && r.parent === top.urn)).toHaveLength(platform.units.length);
      for (const unit of platform.units) {
        const component = componentOf(unit);
        expect(component.parent).toBe(top.urn);
        for (const o of unit.objects) expect(regOf(o).parent, objectId(o)).toBe(component.urn);
      }
      expect(named(RELEASE_TYPE, 'harbor/harbor').parent).toBe(named('icv:platform:Registry', 'registry').urn);
      // One proxy cache per upstream registry of modules/mirrors.ts: today docker.io, for the in-cluster Redis. By name:
      // the order they register in follows when the SDK has serialized their providers (cached per worker).
      expect(ofType(DYNAMIC_TYPE).map((r) => [r.name, byUrn.get(r.parent)!.type]).sort(([a], [b]) => a!.localeCompare(b!))).toEqual([
        ['registry-project', 'icv:platform:Registry'],
        ['registry-proxy-mirror-docker-io', 'icv:platform:Registry'],
        ['registry-robot-pull', 'icv:platform:Registry'],
        ['registry-robot-push', 'icv:platform:Registry'],
      ]);
    });

    it(`protects ${stack === 'prod' ? 'exactly what holds data or identity' : 'only the DevOpsProject'}`, () => {
      const expected = env.production
        ? [...objects.filter((o) => Object.hasOwn(PROTECTED_KINDS, o.kind)).map((o) => `${expectedType(o)}::${regOf(o).name}`), `${RELEASE_TYPE}::harbor/harbor`]
        : objects.filter((o) => PROTECTED_EVERYWHERE.includes(o.kind)).map((o) => `${expectedType(o)}::${regOf(o).name}`);
      expect(expected.some((e) => e.includes(':DevOpsProject::'))).toBe(true);
      const protectedNow = run.registrations.filter((r) => r.protect).map((r) => `${r.type}::${r.name}`);
      expect(protectedNow.sort()).toEqual(expected.sort());
      if (env.production) expect(protectedNow.filter((p) => p.includes(':Namespace::')).length).toBe(objects.filter((o) => o.kind === 'Namespace').length);
    });

    it('creates every workload after the ServiceAccount its pods run as', () => {
      // Found by npm run e2e: created first, the ReplicaSet's pods were refused ("serviceaccount … not found").
      const accounts = new Map(objects.filter((o) => o.kind === 'ServiceAccount').map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, regOf(o).urn]));
      const workloads = objects.filter((o) => ['Deployment', 'DaemonSet'].includes(o.kind) && (o.spec as any).template.spec.serviceAccountName);
      expect(workloads.length).toBeGreaterThan(60);
      for (const o of workloads) {
        const account = accounts.get(`${o.metadata.namespace}/${(o.spec as any).template.spec.serviceAccountName}`);
        expect(account, objectId(o)).toBeDefined();
        expect(regOf(o).dependencies, objectId(o)).toContain(account);
      }
    });

    it('creates every object after its namespace, also across units', () => {
      const namespaces = new Map(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, regOf(o).urn]));
      let crossUnit = 0;
      for (const unit of platform.units) {
        for (const o of unit.objects) {
          const namespace = o.metadata.namespace;
          if (namespace === undefined || !namespaces.has(namespace)) continue;
          expect(regOf(o).dependencies, objectId(o)).toContain(namespaces.get(namespace));
          if (!unit.objects.some((n) => n.kind === 'Namespace' && n.metadata.name === namespace)) crossUnit += 1;
        }
      }
      expect(crossUnit).toBeGreaterThan(0);
      expect(named(RELEASE_TYPE, 'harbor/harbor').dependencies).toContain(namespaces.get('harbor'));
      // The DevOpsProject's controller would otherwise create the namespace of its own name first.
      const project = objects.find((o) => o.kind === 'DevOpsProject')!;
      expect(regOf(project).dependencies).toContain(namespaces.get(project.metadata.name));
    });

    it('destroying the DevOps unit is refused while the DevOpsProject is protected, and then removes what is in its namespace before it', () => {
      // ks-devops v3.4.1 devopsproject_controller.go makes the DevOpsProject the namespace's controlling owner:
      // deleting it first would garbage-collect the Pipelines and Secrets behind Pulumi's back. Pulumi deletes in
      // reverse dependency order, so every object in the namespace depending on the project is deleted before it.
      const project = objects.find((o) => o.kind === 'DevOpsProject')!;
      expect(regOf(project).protect).toBe(true);
      const inNamespace = objects.filter((o) => o.metadata.namespace === project.metadata.name);
      expect(inNamespace.map((o) => o.kind)).toEqual(expect.arrayContaining(['Pipeline', 'Secret']));
      for (const o of inNamespace) expect(regOf(o).dependencies, objectId(o)).toContain(regOf(project).urn);
    });

    it('manages Harbor\'s project and robots only once the Harbor release is installed', () => {
      const release = named(RELEASE_TYPE, 'harbor/harbor');
      for (const r of ofType(DYNAMIC_TYPE)) expect(r.dependencies, r.name).toContain(release.urn);
      expect(named(DYNAMIC_TYPE, 'registry-robot-pull').inputs).toMatchObject({ name: 'pull', access: 'pull', project: env.registry.project });
      expect(unwrapSecrets(named(DYNAMIC_TYPE, 'registry-project').inputs.api)).toEqual({
        url: `https://${env.registry.host}`,
        username: 'admin',
        password: testSecrets(stack)['icv:harborAdminPassword'],
      });
    });

    it('ties a Secret to a Harbor robot only through the robot\'s secret, and nothing else to Harbor', () => {
      const pull = named(DYNAMIC_TYPE, 'registry-robot-pull').urn;
      const push = named(DYNAMIC_TYPE, 'registry-robot-push').urn;
      const harbor = new Set([pull, push, named(DYNAMIC_TYPE, 'registry-project').urn, named(RELEASE_TYPE, 'harbor/harbor').urn]);
      const holding = (marker: string) => objects.filter((o) => o.kind === 'Secret' && JSON.stringify(o.stringData ?? {}).includes(marker));
      const pullSecrets = holding('<redacted:secret:harborPullRobot>');
      const pushSecrets = holding('<redacted:secret:harborPushRobot>');
      expect(pullSecrets.length).toBe(objects.filter((o) => o.type === 'kubernetes.io/dockerconfigjson').length);
      expect(pushSecrets.length).toBe(1);
      for (const o of pullSecrets) expect(regOf(o).dependencies.filter((d) => harbor.has(d)), objectId(o)).toEqual([pull]);
      for (const o of pushSecrets) expect(regOf(o).dependencies.filter((d) => harbor.has(d)), objectId(o)).toEqual([push]);
      const others = objects.filter((o) => !pullSecrets.includes(o) && !pushSecrets.includes(o));
      for (const o of others) expect(regOf(o).dependencies.filter((d) => harbor.has(d)), objectId(o)).toEqual([]);
      for (const o of objects.filter((x) => x.kind === 'Deployment')) {
        const namespace = objects.find((n) => n.kind === 'Namespace' && n.metadata.name === o.metadata.namespace)!;
        const serviceAccount = objects.find((n) => n.kind === 'ServiceAccount' && n.metadata.namespace === o.metadata.namespace && n.metadata.name === (o.spec as { template: { spec: { serviceAccountName: string } } }).template.spec.serviceAccountName)!;
        // A workload waits for the ServiceAccount its pods run as (found by npm run e2e), and for nothing of Harbor's.
        expect(regOf(o).dependencies, objectId(o)).toEqual([regOf(namespace).urn, regOf(serviceAccount).urn, kubeSystemRead]);
      }
    });

    it('registers every Kubernetes resource only after the kube-system Namespace of its cluster was read and checked', () => {
      const kubernetes = run.registrations.filter((r) => r.custom && r.type.startsWith('kubernetes:'));
      expect(kubernetes.length).toBeGreaterThan(100);
      for (const r of kubernetes) expect(r.dependencies, r.urn).toContain(kubeSystemRead);
    });

    it('registers every Secret\'s stringData and the Helm values as secrets, and no secret value anywhere else', () => {
      const secretObjects = objects.filter((o) => o.kind === 'Secret');
      expect(secretObjects.length).toBeGreaterThan(0);
      for (const o of secretObjects) {
        expect(isSecret(regOf(o).inputs.stringData), objectId(o)).toBe(true);
        expect(regOf(o).additionalSecretOutputs, objectId(o)).toEqual(expect.arrayContaining(['data', 'stringData']));
      }
      const release = named(RELEASE_TYPE, 'harbor/harbor');
      expect(isSecret(release.inputs.values)).toBe(true);
      expect((unwrapSecrets(release.inputs.values) as any).harborAdminPassword).toBe(testSecrets(stack)['icv:harborAdminPassword']);
      for (const r of run.registrations) {
        const visible = JSON.stringify(withoutSecrets(r.inputs));
        for (const secret of run.secretValues) expect(visible.includes(secret), `${r.type} ${r.name} shows ${secret}`).toBe(false);
        expect(visible.includes('<redacted:secret:'), `${r.type} ${r.name} keeps a marker`).toBe(false);
      }
    });

    it("sets Harbor's registry htpasswdString from the secret config, the same line on every run (no restart on re-render)", () => {
      const values = unwrapSecrets(named(RELEASE_TYPE, 'harbor/harbor').inputs.values) as any;
      const password = testSecrets(stack)['icv:harborRegistryPassword']!;
      const line = values.registry.credentials.htpasswdString as string;
      expect(line).toMatch(/^harbor_registry_user:\$2b\$10\$[./A-Za-z0-9]{53}$/);
      expect(bcrypt.compareSync(password, line.slice(line.indexOf(':') + 1))).toBe(true);
      expect(line).toBe(registryHtpasswd('harbor_registry_user', password));
      expect(registryHtpasswd('harbor_registry_user', `${password}x`)).not.toBe(line);
    });

    it('exports the public hosts, the registry, the KubeSphere names and the counts as stack outputs', () => {
      const ingressHosts = objects.filter((o) => o.kind === 'Ingress').flatMap((o) => (o.spec as any).rules.map((r: any) => r.host as string));
      const modules = platform.units.filter((u) => u.kind === 'Module').length;
      expect(run.outputs).toEqual({
        publicHosts: [...new Set(ingressHosts)].sort(),
        registryUrl: `https://${env.registry.host}`,
        workspace: objects.find((o) => o.kind === 'WorkspaceTemplate')!.metadata.name,
        devopsProject: objects.find((o) => o.kind === 'DevOpsProject')!.metadata.name,
        modulesByTier: { frontend: expect.any(Number), backend: expect.any(Number) },
        kubernetesResources: kube.length,
        appliedImages: expect.any(Object),
      });
      // One image per module, the one its workload's first container runs in this environment.
      const images = run.outputs.appliedImages as Record<string, string>;
      expect(Object.keys(images)).toHaveLength(modules);
      expect(Object.keys(images)).toEqual(Object.keys(images).sort());
      for (const [module, image] of Object.entries(images)) {
        expect(image, module).toMatch(new RegExp(`^${env.registry.host.replace(/\./g, '\\.')}/.+/${module}:${env.releases[module]!.tag.replace(/\./g, '\\.')}$`));
      }
      const tiers = run.outputs.modulesByTier as Record<string, number>;
      expect(tiers.frontend! + tiers.backend!).toBe(modules);
      expect(tiers.frontend).toBeGreaterThan(0);
      expect((run.outputs.publicHosts as string[]).every((h) => h.endsWith(`.${env.domain}`))).toBe(true);
    });
  });
}
