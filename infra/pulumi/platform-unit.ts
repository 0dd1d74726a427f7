import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Unit } from '../model/types.js';
import { registerUnitResources, type UnitContext } from './unit-resources.js';

export interface PlatformUnitArgs {
  /** The unit of the pure core whose objects and Helm releases this component applies. */
  readonly unit: Unit;
  /** The provider, secrets, environment and namespaces of the stack. */
  readonly context: UnitContext;
}

/**
 * One unit of the platform (the cluster's node labels, shared infrastructure, the DevOps project, or one module) as
 * a component of type `icv:platform:<unit kind>`, whose children are the unit's objects as typed Kubernetes
 * resources. The registry unit has its own component, `HarborRegistry`, because it also manages Harbor's insides.
 */
export class PlatformUnit extends pulumi.ComponentResource {
  /** The unit's id in the core: `module/vehicle-access`, `shared-infra`. */
  public readonly unitId: string;
  /** One resource per object of the unit, in the unit's order. */
  public readonly objects: readonly pulumi.CustomResource[];
  /** One resource per Helm release of the unit. */
  public readonly releases: readonly k8s.helm.v3.Release[];

  constructor(name: string, args: PlatformUnitArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(`icv:platform:${args.unit.kind}`, name, {}, opts);
    this.unitId = args.unit.id;
    const resources = registerUnitResources(args.unit, args.context, this);
    this.objects = resources.objects;
    this.releases = resources.releases;
    this.registerOutputs({ unitId: this.unitId, objects: this.objects.length, releases: this.releases.length });
  }
}
