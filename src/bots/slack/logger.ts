// Bolt and the Web API client log through the app's pino logger.
import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "../../log.ts";

export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ channel: "slack" });
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : JSON.stringify(m))).join(" ");
  return {
    // Checked first: the Web API client logs every request body at debug.
    debug: (...msg) => {
      if (child.isLevelEnabled("debug")) child.debug(text(msg));
    },
    info: (...msg) => child.info(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    // The app's LOG_LEVEL decides; Bolt's own level setting is ignored.
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: () => undefined,
  };
}
