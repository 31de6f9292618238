// Entry point of the built program (bin/tocsin.js loads this).
import { runCli } from './main.js';

// `tocsin audit | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
