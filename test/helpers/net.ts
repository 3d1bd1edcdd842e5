// Loopback ports for servers whose address must be known before they start.
import net from "node:net";
import type { AddressInfo } from "node:net";

/** A free loopback port: the server's PUBLIC_URL (and so its redirect URI) must be known before it starts. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
