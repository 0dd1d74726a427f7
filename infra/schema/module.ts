// A namespace import, so that a bundle keeps only the zod it uses (`import { z }` bundles all ~60 locales; issue 17).
import * as z from 'zod';
import { cidrSchema, STATEFUL_SERVICES } from './environment.js';
import { refineModule } from './module-rules.js';

/**
 * The schema of one catalog entry in `modules/`. A module is plain data; the workload construct turns it into
 * a ServiceAccount, ConfigMap, Deployment, Service, HPA or fixed replicas, PodDisruptionBudget, NetworkPolicies
 * and Ingress rules, with every safe default applied there, not here.
 */

export const DOMAINS = [
  'vehicle',     // vehicle access and telemetry
  'roadside',    // roadside units and sensors
  'v2x',         // V2X messaging
  'map',         // HD map and positioning
  'perception',  // cooperative perception and event detection
  'dispatch',    // remote operation and dispatch
  'ota',         // over-the-air updates
  'data',        // ingest and analytics into ClickHouse / Hadoop / Flink
  'identity',    // identity and tenants
  'gateway',     // API gateway
  'ops',         // operations and monitoring
  'frontend',    // portal, consoles, big screen
] as const;
export type Domain = (typeof DOMAINS)[number];

export const TIERS = ['frontend', 'backend'] as const;
export type Tier = (typeof TIERS)[number];

/** Build stacks the pipelines know an agent for. */
export const BUILD_STACKS = ['java', 'node', 'go', 'python'] as const;
export type BuildStack = (typeof BUILD_STACKS)[number];

/** Rules a module may opt out of, each only with a reason. */
export const EXCEPTION_RULES = ['read-only-root-filesystem', 'spread', 'min-replicas', 'network-egress-internet', 'dependency-cycle'] as const;

const name = z.string().regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label starting with a letter').max(40, 'must be at most 40 characters');
const cpu = z.string().regex(/^\d+m$/, 'must be millicores such as "250m"');
const memory = z.string().regex(/^\d+Mi$/, 'must be mebibytes such as "512Mi"');
const httpPath = z.string().regex(/^\/[-a-zA-Z0-9_/.]*$/, 'must be an absolute URL path');

export const moduleSchema = z.strictObject({
  /** Unique module name: Deployment, Service, pipeline and image all carry it. */
  name,
  /** Business domain: decides the namespace (`icv-<domain>`). */
  domain: z.enum(DOMAINS),
  /** Front-end (static or SSR web app) or back-end service. */
  tier: z.enum(TIERS),
  /** One sentence a reviewer recognises. */
  description: z.string().min(10),
  /** Image repository inside the environment's Harbor project, without registry or tag. By default, the module name. */
  image: z.string().regex(/^[a-z0-9]+([._/-][a-z0-9]+)*$/, 'must be a repository path such as "vehicle-access"').optional(),
  /** Where the source lives and how it builds: the pipeline is generated from this. */
  source: z.strictObject({
    /** GitLab project path, e.g. "icv/vehicle/vehicle-access". */
    repository: z.string().regex(/^[a-z0-9][-a-z0-9_.]*(\/[a-z0-9][-a-z0-9_.]*)+$/, 'must be a GitLab project path such as "icv/vehicle/vehicle-access"'),
    /** Build stack: picks the Jenkins agent and the test commands. */
    stack: z.enum(BUILD_STACKS),
  }),
  /** The one port the module serves on. By default, HTTP. */
  port: z.strictObject({
    number: z.number().int().min(1024, 'must be 1024 or above (non-root containers)').max(65535),
    protocol: z.enum(['http', 'grpc', 'tcp']).default('http'),
  }),
  /** Health endpoints; readiness and liveness must differ (kube-score). */
  health: z.strictObject({ readiness: httpPath, liveness: httpPath }),
  /** Explicit requests and limits: every module is sized for what it does. */
  resources: z.strictObject({
    requests: z.strictObject({ cpu, memory }),
    limits: z.strictObject({ cpu, memory }),
  }),
  /** Fixed replicas, or autoscaling bounds on CPU utilisation. The environment's replica floor applies to both. */
  scaling: z.union([
    z.strictObject({ replicas: z.number().int().min(1) }),
    z.strictObject({ min: z.number().int().min(1), max: z.number().int().min(1), targetCpu: z.number().int().min(10).max(95) }),
  ]),
  /** Other modules this one calls, and VM-hosted stateful services it uses: network policies allow exactly these. */
  dependsOn: z
    .strictObject({
      modules: z.array(z.string()).default([]),
      stateful: z.array(z.enum(STATEFUL_SERVICES)).default([]),
    })
    .default({ modules: [], stateful: [] }),
  /** Plain configuration: environment variables and files mounted at /etc/<module>/. No secrets here. */
  config: z
    .strictObject({
      env: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an UPPER_SNAKE variable name'), z.string()).default({}),
      files: z.record(z.string().regex(/^[a-z0-9][-a-z0-9_.]*$/, 'must be a file name'), z.string()).default({}),
    })
    .default({ env: {}, files: {} }),
  /**
   * Traffic from outside the cluster straight to the module's port (vehicles, roadside units, edge nodes that do
   * not speak HTTP): a NodePort Service on every worker, reachable only from the listed source ranges.
   * By default, none.
   */
  external: z
    .strictObject({
      nodePort: z.number().int().min(30000, 'must be in the NodePort range 30000-32767').max(32767, 'must be in the NodePort range 30000-32767'),
      sourceRanges: z.array(cidrSchema).min(1, 'needs at least one source range'),
    })
    .optional(),
  /** Public routes: `host` is the sub-domain under the environment's domain. */
  routes: z.array(z.strictObject({ host: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a sub-domain label'), path: httpPath })).default([]),
  /** Opt-outs from a default, each with its reason (reported by `npm run check`). */
  exceptions: z.array(z.strictObject({ rule: z.enum(EXCEPTION_RULES), reason: z.string().trim().min(1, 'must give a reason') })).default([]),
}).superRefine(refineModule);

export type ModuleSpec = z.infer<typeof moduleSchema>;
/** What a file in `modules/` declares (defaults not yet applied). */
export type ModuleDeclaration = z.input<typeof moduleSchema>;

/** Non-HTTP modules serve their health endpoints over HTTP on this management port. */
export const MANAGEMENT_PORT = 8081;
