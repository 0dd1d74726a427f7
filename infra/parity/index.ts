export * from './check-parity.js';
export * from './declaration.js';
export * from './report.js';
export * from './declared-difference.js';
