// Loopback addresses: where an unauthenticated development channel may listen,
// and the only Bot Connector a development-mode Teams endpoint may talk to.
import { isIP } from "node:net";

/** True for localhost, 127.0.0.0/8 and ::1 (IPv4-mapped too); a host name other than localhost is not trusted. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || /^::ffff:127\./.test(bare) || /^(0+:){7}0*1$/.test(bare);
  return false;
}

export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
