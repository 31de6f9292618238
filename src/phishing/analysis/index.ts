// Public surface of the email analysis engine.
export { analyseEmail } from './analyse.js';
export type * from './types.js';
export { limits } from './limits.js';
