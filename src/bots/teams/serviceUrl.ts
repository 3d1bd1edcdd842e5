// With MicrosoftAppId the Bot Connector's token binds the serviceUrl an
// activity names. Without it (development mode) nothing does: an activity
// could point the bot at any host, whose fake roster would then decide who
// the caller is. So development mode talks to loopback serviceUrls only.
import type { Config } from "../../config.ts";
import { isLoopbackUrl } from "../../loopback.ts";

/** Why the bot must not talk to this serviceUrl, or undefined when it may. */
export function serviceUrlRefusal(config: Pick<Config, "teams">, serviceUrl: string | undefined): string | undefined {
  if (config.teams) return undefined;
  if (serviceUrl && isLoopbackUrl(serviceUrl)) return undefined;
  return "MicrosoftAppId is not set (development mode): only a loopback serviceUrl is allowed";
}
