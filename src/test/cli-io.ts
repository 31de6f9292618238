// The CLI's output captured in memory, for tests that run `runCli` in-process.
import type { CliIO } from '../cli/context.js';

export function captureIO(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}
