// `npm start [-- flags]`: build what is stale, then run `tocsin serve` with the flags.
import { buildIfStale } from './build-if-stale.mjs';

buildIfStale();
process.argv = [process.argv[0], 'tocsin', 'serve', ...process.argv.slice(2)];
await import('../dist/cli/bin.js');
