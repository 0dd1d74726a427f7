import type { ModuleDeclaration } from '../infra/schema/module.js';
import { dataModules } from './data.js';
import { dispatchModules } from './dispatch.js';
import { frontendModules } from './frontend.js';
import { gatewayModules } from './gateway.js';
import { identityModules } from './identity.js';
import { mapModules } from './map.js';
import { opsModules } from './ops.js';
import { otaModules } from './ota.js';
import { perceptionModules } from './perception.js';
import { roadsideModules } from './roadside.js';
import { v2xModules } from './v2x.js';
import { vehicleModules } from './vehicle.js';

/** Every catalog file and what it declares, in the order of DOMAINS; the file names appear in validation messages. */
export const catalogSources: readonly { readonly file: string; readonly modules: readonly ModuleDeclaration[] }[] = [
  { file: 'modules/vehicle.ts', modules: vehicleModules },
  { file: 'modules/roadside.ts', modules: roadsideModules },
  { file: 'modules/v2x.ts', modules: v2xModules },
  { file: 'modules/map.ts', modules: mapModules },
  { file: 'modules/perception.ts', modules: perceptionModules },
  { file: 'modules/dispatch.ts', modules: dispatchModules },
  { file: 'modules/ota.ts', modules: otaModules },
  { file: 'modules/data.ts', modules: dataModules },
  { file: 'modules/identity.ts', modules: identityModules },
  { file: 'modules/gateway.ts', modules: gatewayModules },
  { file: 'modules/ops.ts', modules: opsModules },
  { file: 'modules/frontend.ts', modules: frontendModules },
];
