import { REDIS_MIRROR, type MirrorImage } from '../infra/model/mirrors.js';

/**
 * Third-party images the platform's manifests run, each declared once (see infra/model/mirrors.ts): Redis, for the
 * in-cluster StatefulSet of a stateful service in mode `cluster` (declared whatever the mode, so that each Harbor holds
 * it before a switch). KubeSphere's fluent-bit ships the logs (the filebeat DaemonSet is gone), and every other workload
 * is a module built by its pipeline. Harbor's own images come from its chart's registry (Docker Hub
 * goharbor/*, pinned by the harbor-helm 1.15.1 chart) and are out of scope: Harbor cannot serve the images it needs
 * to start, and a Harbor restart must not depend on itself. KubeSphere's and KubeKey's images come from their own
 * registries the same way.
 */
export const mirrors: readonly MirrorImage[] = [REDIS_MIRROR];
