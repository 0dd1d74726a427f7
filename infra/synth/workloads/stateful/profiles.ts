import type { InClusterService } from '../../../schema/environment.js';
import type { SecretKey } from '../../../model/secrets.js';
import { REDIS_MIRROR, type MirrorImage } from '../../../model/mirrors.js';

/**
 * How a stateful service runs inside the cluster: everything its StatefulSet needs that the environment does not
 * decide. One profile per service; a service without one stays on its VMs (the schema refuses `mode: 'cluster'`).
 *
 * The pattern the next service follows (MySQL, ClickHouse…): an image declared once (a third-party image mirrored into
 * each environment's Harbor), the data directory its volume is mounted at, a config file rendered into a Secret (so the
 * password is filled by Pulumi and never reaches dist/), a command that starts ordinal 0 as the serving instance and
 * every other ordinal as a replica of it, a TCP liveness probe and a readiness probe that asks the server itself,
 * requests and limits the capacity plan counts, and a default volume size.
 */
export interface StatefulProfile {
  /**
   * The image: third-party, so declared once as a mirror (listed in `modules/mirrors.ts`) and pulled from the
   * environment's Harbor by digest (`<harbor>/<project>/mirror/<name>@<digest>`).
   */
  readonly image: MirrorImage;
  /** The container port clients and replicas connect to (the environment's port for the service). */
  readonly portName: string;
  /** Where the data volume is mounted. */
  readonly dataPath: string;
  /** The config file, mounted read-only from the service's Secret at `<configPath>/<configFile>`. */
  readonly configPath: string;
  readonly configFile: string;
  /** The config file's text: `password` is the secret marker, `port` the service's port. */
  readonly config: (args: { readonly password: string; readonly port: number; readonly dataPath: string }) => string;
  /** The secret config key of the service's password (the same one the modules log in with). */
  readonly password: SecretKey;
  /** Environment variable the readiness probe's client reads the password from. */
  readonly passwordVariable: string;
  /** Command of the container: `primaryHost` is ordinal 0's stable DNS name, which the other ordinals replicate from. */
  readonly command: (args: { readonly configFile: string; readonly primaryHost: string; readonly port: number }) => string[];
  /** The readiness probe's command (it runs in the container; the password comes from `passwordVariable`). */
  readonly readiness: (port: number) => string[];
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
  /** Size of each pod's data volume unless the environment's `cluster.storage` says otherwise. */
  readonly storage: string;
}

/**
 * Redis 7.2 (the VMs run Redis with `requirepass`; the modules connect with the user `default`): append-only
 * persistence under /data, `maxmemory` at three quarters of the memory limit with `noeviction` (a full Redis refuses
 * writes rather than silently dropping keys), and the same password for clients and for replicas (`masterauth`).
 * Ordinals above 0 start with `--replicaof` ordinal 0; there is no automatic failover (Sentinel would be the next step),
 * as there is none beyond keepalived's VIP on the VMs. redis-cli reads the password from REDISCLI_AUTH, so it never
 * appears in a process's arguments.
 */
const REDIS: StatefulProfile = {
  image: REDIS_MIRROR,
  portName: 'redis',
  dataPath: '/data',
  configPath: '/etc/redis',
  configFile: 'redis.conf',
  config: ({ password, port, dataPath }) =>
    [
      `port ${port}`,
      'bind 0.0.0.0',
      'protected-mode yes',
      `dir ${dataPath}`,
      'appendonly yes',
      'appendfsync everysec',
      'maxmemory 768mb',
      'maxmemory-policy noeviction',
      `requirepass ${password}`,
      `masterauth ${password}`,
      '',
    ].join('\n'),
  password: 'redisPassword',
  passwordVariable: 'REDISCLI_AUTH',
  command: ({ configFile, primaryHost, port }) => [
    'sh',
    '-c',
    `if [ "\${HOSTNAME##*-}" = 0 ]; then exec redis-server ${configFile}; fi; exec redis-server ${configFile} --replicaof ${primaryHost} ${port}`,
  ],
  readiness: (port) => ['sh', '-c', `[ "$(redis-cli -h 127.0.0.1 -p ${port} ping)" = PONG ]`],
  resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1Gi' } },
  storage: '8Gi',
};

/** Every in-cluster profile, by service; the type makes a new entry of IN_CLUSTER_SERVICES need its profile. */
export const IN_CLUSTER_PROFILES: Readonly<Record<InClusterService, StatefulProfile>> = { redis: REDIS };
