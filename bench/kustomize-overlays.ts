import { isDeepStrictEqual } from 'node:util';
import { dump } from 'js-yaml';
import { stringify } from 'yaml';
import type { Platform } from '../infra/model/types.js';
import { parseImageRef } from '../infra/model/image-ref.js';
import { isRecord } from '../infra/model/json.js';
import { compareText } from '../infra/model/text-order.js';

/**
 * The same objects as kustomize's users lay them out (kustomize's docs: a base and an overlay per variant, one
 * directory per application): every unit gets `units/<unit>/base/` (the first environment's objects, with images,
 * replicas and Ingress hosts normalized) and `units/<unit>/overlays/<env>/`, which re-tags images with `images:`,
 * sets replicas with `replicas:`, and patches what else differs (hosts, version labels, addresses) with JSON 6902
 * patches of that unit's objects only. `envs/<env>/` lists the overlays of the units that environment runs, so
 * `kustomize build envs/<env>` renders the whole environment in one process. Generated from our own output, so the
 * bench can check that kustomize renders exactly our objects.
 */

/** One environment's synthesized platform and the domain its Ingress hosts end with. */
export interface OverlayInput {
  readonly platform: Platform;
  readonly domain: string;
}

/** Domain the base's Ingress hosts are normalized to. */
const BASE_DOMAIN = 'base.invalid';
/** Replica count of every fixed-replica workload in the base. */
const BASE_REPLICAS = 1;
const KUSTOMIZATION_HEADER = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
interface PatchOp {
  readonly op: 'add' | 'remove' | 'replace';
  readonly path: string;
  readonly value?: Json;
}
interface ImageEntry {
  readonly name: string;
  readonly newName: string;
  readonly newTag: string;
}

/**
 * Files of the kustomize tree, path → content: `units/<unit>/base/{kustomization,objects}.yaml`,
 * `units/<unit>/overlays/<env>/kustomization.yaml` (and `extra.yaml` for objects the base lacks),
 * `envs/<env>/kustomization.yaml`. `kustomize build envs/<env>` renders environment `<env>`.
 */
export function kustomizeTree(envs: readonly OverlayInput[]): Map<string, string> {
  const [first] = envs;
  if (!first) throw new Error('kustomizeTree needs at least one environment');
  const files = new Map<string, string>();
  const bases = new Map<string, Map<string, JsonObject>>();
  for (const unit of first.platform.units) {
    if (unit.objects.length === 0) continue;
    const normalized = unit.objects.map((o) => normalize(o as unknown as JsonObject, first.domain));
    bases.set(unit.id, new Map(normalized.map((o) => [objectKey(o), o])));
    files.set(`units/${unit.id}/base/objects.yaml`, multiDoc(normalized));
    files.set(`units/${unit.id}/base/kustomization.yaml`, stringify({ ...KUSTOMIZATION_HEADER, resources: ['objects.yaml'] }, { lineWidth: 0 }));
  }
  for (const env of envs) {
    const overlays: string[] = [];
    for (const unit of env.platform.units) {
      if (unit.objects.length === 0) continue;
      const dir = `units/${unit.id}/overlays/${env.platform.env}`;
      for (const [path, content] of overlay(unit.objects as unknown as JsonObject[], bases.get(unit.id))) files.set(`${dir}/${path}`, content);
      overlays.push(`../../${dir}`);
    }
    files.set(`envs/${env.platform.env}/kustomization.yaml`, stringify({ ...KUSTOMIZATION_HEADER, resources: overlays }, { lineWidth: 0 }));
  }
  return files;
}

/** Every object of an environment, keyed as `kubectl kustomize` output is compared: `apiVersion/kind/namespace/name`. */
export function objectKey(object: { apiVersion?: unknown; kind?: unknown; metadata?: unknown }): string {
  const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return `${String(object.apiVersion)}/${String(object.kind)}/${String(metadata.namespace ?? '')}/${String(metadata.name)}`;
}

/** Keys of objects that differ between what kustomize rendered and what we synthesized (missing, extra or unequal). */
export function differingObjects(expected: readonly unknown[], rendered: readonly unknown[]): string[] {
  const want = new Map(expected.map((o) => [objectKey(o as JsonObject), o as Json]));
  const got = new Map(rendered.map((o) => [objectKey(o as JsonObject), o as Json]));
  const keys = [...new Set([...want.keys(), ...got.keys()])].sort();
  return keys.filter((key) => !want.has(key) || !got.has(key) || diff(want.get(key)!, got.get(key)!, '').length > 0);
}

/** One unit's overlay in one environment, over its base (none when the first environment lacks the unit). */
function overlay(objects: readonly JsonObject[], base: ReadonlyMap<string, JsonObject> | undefined): Map<string, string> {
  const images = imageEntries(objects);
  const byImage = new Map(images.map((i) => [i.name, i]));
  const replicas = replicaEntries(objects);
  const byWorkload = new Map(replicas.map((r) => [r.name, r.count]));
  const present = new Set<string>();
  const extra: JsonObject[] = [];
  const patches: JsonObject[] = [];
  for (const object of objects) {
    const key = objectKey(object);
    present.add(key);
    const baseObject = base?.get(key);
    if (!baseObject) {
      extra.push(object);
      continue;
    }
    const ops = diff(transformed(baseObject, byImage, byWorkload), object, '');
    if (ops.length > 0) patches.push({ target: target(object), patch: JSON.stringify(ops) });
  }
  for (const [key, object] of base ?? []) {
    if (present.has(key)) continue;
    const { apiVersion, kind, metadata } = object as { apiVersion: string; kind: string; metadata: JsonObject };
    const { name, namespace } = metadata;
    const deletion = { apiVersion, kind, metadata: { name: name ?? null, ...(namespace === undefined ? {} : { namespace }) }, $patch: 'delete' };
    patches.push({ target: target(object), patch: stringify(deletion) });
  }
  const files = new Map<string, string>();
  if (extra.length > 0) files.set('extra.yaml', multiDoc(extra));
  const kustomization = {
    ...KUSTOMIZATION_HEADER,
    resources: [...(base ? ['../../base'] : []), ...(extra.length > 0 ? ['extra.yaml'] : [])],
    ...(images.length > 0 ? { images: images as unknown as Json } : {}),
    ...(replicas.length > 0 ? { replicas: replicas as unknown as Json } : {}),
    ...(patches.length > 0 ? { patches } : {}),
  };
  files.set('kustomization.yaml', stringify(kustomization, { lineWidth: 0 }));
  return files;
}

/** The base object as kustomize's `images:` and `replicas:` transformers will leave it in this environment. */
function transformed(object: JsonObject, images: ReadonlyMap<string, ImageEntry>, replicas: ReadonlyMap<string, number>): JsonObject {
  const copy = structuredClone(object);
  forEachContainer(copy, (container) => {
    const entry = images.get(String(container.image));
    if (entry) container.image = `${entry.newName}:${entry.newTag}`;
  });
  const name = String((copy.metadata as JsonObject).name);
  const spec = copy.spec as JsonObject | undefined;
  if (spec && 'replicas' in spec && isScalable(copy) && replicas.has(name)) spec.replicas = replicas.get(name)!;
  return copy;
}

/** First environment's object with registry and tag stripped from images, fixed replicas at 1, hosts on BASE_DOMAIN. */
function normalize(object: JsonObject, domain: string): JsonObject {
  const copy = structuredClone(object);
  forEachContainer(copy, (container) => {
    container.image = parseImage(String(container.image)).name;
  });
  const spec = copy.spec as JsonObject | undefined;
  if (spec && typeof spec.replicas === 'number' && isScalable(copy)) spec.replicas = BASE_REPLICAS;
  if (copy.kind === 'Ingress' && spec) {
    const rehost = (host: Json) => (typeof host === 'string' && host.endsWith(`.${domain}`) ? `${host.slice(0, -domain.length)}${BASE_DOMAIN}` : host);
    for (const rule of (spec.rules ?? []) as JsonObject[]) rule.host = rehost(rule.host ?? null);
    for (const tls of (spec.tls ?? []) as JsonObject[]) tls.hosts = ((tls.hosts ?? []) as Json[]).map(rehost);
  }
  return copy;
}

/** One `images:` entry per image name an environment runs, carrying its registry and tag. */
function imageEntries(objects: readonly JsonObject[]): ImageEntry[] {
  const entries = new Map<string, ImageEntry>();
  for (const object of objects) {
    forEachContainer(object, (container) => {
      const image = parseImage(String(container.image));
      const entry = { name: image.name, newName: image.repository, newTag: image.tag };
      const seen = entries.get(image.name);
      if (seen && (seen.newName !== entry.newName || seen.newTag !== entry.newTag)) {
        throw new Error(`image '${image.name}' runs as both '${seen.newName}:${seen.newTag}' and '${entry.newName}:${entry.newTag}'; one images: entry cannot express that`);
      }
      entries.set(image.name, entry);
    });
  }
  return [...entries.values()].sort((a, b) => compareText(a.name, b.name));
}

/** One `replicas:` entry per fixed-replica workload of a unit (kustomize matches them by name alone, so names must be unique). */
function replicaEntries(objects: readonly JsonObject[]): { name: string; count: number }[] {
  const entries = new Map<string, number>();
  for (const object of objects) {
    const replicas = (object.spec as JsonObject | undefined)?.replicas;
    if (!isScalable(object) || typeof replicas !== 'number') continue;
    const name = String((object.metadata as JsonObject).name);
    if (entries.has(name)) throw new Error(`two workloads are named '${name}'; a replicas: entry matches by name alone`);
    entries.set(name, replicas);
  }
  return [...entries].map(([name, count]) => ({ name, count })).sort((a, b) => compareText(a.name, b.name));
}

function isScalable(object: JsonObject): boolean {
  return ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(String(object.kind));
}

/** `harbor.example.cn/icv/vehicle-access:1.2.0-abc` → name `icv/vehicle-access`, repository with registry, tag. */
function parseImage(image: string): { name: string; repository: string; tag: string } {
  const ref = parseImageRef(image);
  return { name: ref.repository, repository: ref.registry === undefined ? ref.repository : `${ref.registry}/${ref.repository}`, tag: ref.tag ?? 'latest' };
}

/** Calls `visit` for every container and init container anywhere in the object (pod templates, job templates). */
function forEachContainer(value: Json, visit: (container: JsonObject) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) forEachContainer(item, visit);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(child)) {
      for (const container of child) if (container && typeof container === 'object' && !Array.isArray(container) && 'image' in container) visit(container);
    } else {
      forEachContainer(child, visit);
    }
  }
}

function target(object: JsonObject): JsonObject {
  const [group, version] = String(object.apiVersion).includes('/') ? String(object.apiVersion).split('/') : ['', String(object.apiVersion)];
  const metadata = object.metadata as JsonObject;
  return {
    group: group ?? '',
    version: version ?? '',
    kind: object.kind ?? null,
    ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }),
    name: metadata.name ?? null,
  };
}

/** JSON 6902 operations that turn `from` into `to`; arrays of different lengths are replaced whole. */
function diff(from: Json, to: Json, path: string): PatchOp[] {
  if (isObject(from) && isObject(to)) {
    const ops: PatchOp[] = [];
    for (const key of Object.keys(from)) if (!(key in to)) ops.push({ op: 'remove', path: `${path}/${escape(key)}` });
    for (const [key, value] of Object.entries(to)) {
      if (key in from) ops.push(...diff(from[key]!, value, `${path}/${escape(key)}`));
      else ops.push({ op: 'add', path: `${path}/${escape(key)}`, value });
    }
    return ops;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) return from.flatMap((item, i) => diff(item, to[i]!, `${path}/${i}`));
  return from === to || isDeepStrictEqual(from, to) ? [] : [{ op: 'replace', path: path || '/', value: to }];
}

function isObject(value: Json): value is JsonObject {
  return isRecord(value);
}

function escape(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Objects as multi-document YAML; js-yaml, which the bench finds exact and fastest, so that large trees write quickly. */
function multiDoc(objects: readonly JsonObject[]): string {
  return objects.map((o) => dump(o, { noRefs: true, lineWidth: -1 })).join('---\n');
}
