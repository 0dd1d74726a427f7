export * from './harbor-registry.js';
export * from './kube-resources.js';
export * from './platform-stack.js';
export * from './platform-unit.js';
export * from './registration-waves.js';
export * from './secret-values.js';
export * from './stack-config.js';
export * from './unit-resources.js';
