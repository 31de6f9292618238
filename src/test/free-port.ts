// A TCP port on 127.0.0.1 that was free a moment ago: for servers whose own address must be
// known before they start (a hub whose public URL names its port), and for "nothing listens here".
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
