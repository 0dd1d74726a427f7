import { describeStackProgram } from './stack-suite.js';

describeStackProgram('prod');
