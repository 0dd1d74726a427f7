export * from './check-parity.js';
export * from './declaration.js';
export * from './report.js';
