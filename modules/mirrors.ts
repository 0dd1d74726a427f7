import type { MirrorImage } from '../infra/model/mirrors.js';

/**
 * Third-party images the platform's manifests run, each declared once (see infra/model/mirrors.ts). None today:
 * KubeSphere's fluent-bit ships the logs (the filebeat DaemonSet, the one third-party image, is gone), and every
 * other workload is a module built by its pipeline. Harbor's own images come from its chart's registry (Docker Hub
 * goharbor/*, pinned by the harbor-helm 1.15.1 chart) and are out of scope: Harbor cannot serve the images it needs
 * to start, and a Harbor restart must not depend on itself. KubeSphere's and KubeKey's images come from their own
 * registries the same way.
 */
export const mirrors: readonly MirrorImage[] = [];
