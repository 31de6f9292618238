// `tocsin serve` as a real child process for tests of several processes on one database:
// started on a free port, resolved once it says where it listens, stopped with a signal.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface HubProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** everything it wrote to stdout and stderr so far */
  output(): string;
}

export function startHubProcess(env: Record<string, string>): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'serve', '--port', '0', '--host', '127.0.0.1'], {
    cwd: repo,
    env: { ...process.env, TOCSIN_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /listening on (http:\/\/[^\s,]+)/.exec(output);
      if (m) resolve({ url: m[1]!, child, exited, output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    void exited.then((code) => reject(new Error(`hub exited (${code}) before it was ready:\n${output}`)));
  });
}

export async function stopHubProcess(hub: HubProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!hub || hub.child.exitCode !== null || hub.child.signalCode !== null) return;
  hub.child.kill(signal);
  await hub.exited;
}
