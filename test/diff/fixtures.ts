import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { stringify } from 'yaml';

const created: string[] = [];
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file's tests. */
export function temporaryDirectory(prefix = 'icv-diff-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A dist tree as data: env → path under `dist/<env>/` → objects (written as multi-document YAML) or raw text. */
export type TreeSpec = Record<string, Record<string, readonly object[] | string>>;

/** Writes a dist tree under a fresh temporary directory and returns its path. */
export function writeTree(spec: TreeSpec, parent = temporaryDirectory()): string {
  for (const [env, files] of Object.entries(spec)) {
    for (const [path, content] of Object.entries(files)) {
      const file = join(parent, env, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, typeof content === 'string' ? content : content.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
    }
  }
  return parent;
}

export const labels = (module: string) => ({ 'app.kubernetes.io/name': module, 'app.kubernetes.io/part-of': 'icv-platform' });

export function deployment(name: string, options: { image?: string; selector?: Record<string, string>; containers?: object[]; replicas?: number } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'icv-vehicle', labels: labels(name) },
    spec: {
      replicas: options.replicas ?? 2,
      selector: { matchLabels: options.selector ?? { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels: labels(name) },
        spec: {
          containers: options.containers ?? [
            {
              name: 'app',
              image: options.image ?? `harbor.icv.local/icv/${name}:1.2.0`,
              ports: [
                { name: 'http', containerPort: 8080 },
                { name: 'metrics', containerPort: 9090 },
              ],
              env: [
                { name: 'SPRING_PROFILES_ACTIVE', value: 'test' },
                { name: 'MYSQL_HOST', value: '192.168.16.200' },
              ],
            },
            { name: 'log-shipper', image: 'harbor.icv.local/library/filebeat:8.13.4' },
          ],
        },
      },
    },
  };
}

export function service(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'icv-vehicle', labels: labels(name) },
    spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec },
  };
}

export function networkPolicy(name: string, ingress: object[]) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'icv-vehicle', labels: labels(name) },
    spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': name } }, policyTypes: ['Ingress'], ingress },
  };
}

export function ingress(name: string, host: string) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'icv-vehicle', labels: labels(name) },
    spec: { rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }] } }] },
  };
}

export function configMap(name: string, data: Record<string, string>, namespace = 'icv-vehicle') {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: labels(name) }, data };
}

export function secret(name: string, data: Record<string, string>, stringData?: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'icv-vehicle' }, type: 'Opaque', data, ...(stringData && { stringData }) };
}

export function namespace(name: string, extraLabels: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubesphere.io/workspace': 'icv', ...extraLabels } } };
}

export function pvc(name: string, storage: string, storageClassName = 'local-path') {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'harbor' },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage } } },
  };
}
