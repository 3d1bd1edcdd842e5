// A need's source: the chat message it was reported from. Only links to a
// message on the platform the need came from are kept; anything else (a
// phishing page dressed as "Original message") is dropped.
import type { Platform } from "./types.ts";

/** Slack permalinks (chat.getPermalink): https://<workspace>.slack.com/archives/<channel>/p<ts>. */
const SLACK_HOST = /^[a-z0-9][a-z0-9-]*(\.enterprise)?\.slack\.com$/;
const SLACK_PATH = /^\/archives\/[A-Z0-9]+\/p\d+$/;
/** Teams "Copy link" of a message: https://teams.microsoft.com/l/message/<conversation>/<message id>. */
const TEAMS_HOSTS = new Set(["teams.microsoft.com", "teams.cloud.microsoft"]);
const TEAMS_PATH = /^\/l\/message\/[^/]+\/\d+$/;

function isSlackLink(url: URL): boolean {
  return SLACK_HOST.test(url.hostname) && SLACK_PATH.test(url.pathname);
}

function isTeamsLink(url: URL): boolean {
  return TEAMS_HOSTS.has(url.hostname) && TEAMS_PATH.test(url.pathname);
}

/**
 * `value` when it is a message link of `platform` (the web chat, a stand-in
 * for both, takes either), else null. Only plain https links on the default port.
 */
export function messageLink(value: unknown, platform: Platform): string | null {
  if (typeof value !== "string" || value.length > 2000) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" || url.username || url.password || url.port) return null;
  const ok = platform === "slack" ? isSlackLink(url) : platform === "teams" ? isTeamsLink(url) : isSlackLink(url) || isTeamsLink(url);
  return ok ? url.href : null;
}
