// Entry points a person starts: the slash command `/samordna …` and the
// message shortcut "Report as need". Both ack at once; the turn runs after.
import type { App as BoltApp } from "@slack/bolt";
import { person, present, turn, userOf, type SlackDeps } from "./present.ts";

export const SLASH_COMMAND = "/samordna";
export const REPORT_SHORTCUT = "report_need";

/** `/samordna <sub>` → the core's text intent; later features (status, triage, digest) work by themselves. */
const SUBCOMMANDS: Record<string, string> = {
  mine: "my needs",
  find: "find need",
  status: "status",
  digest: "digest",
  triage: "triage",
  help: "help",
  announce: "announce",
  meddelande: "announce",
};

export function registerCommands(bolt: BoltApp, deps: SlackDeps): void {
  bolt.command(SLASH_COMMAND, async ({ ack, command }) => {
    await ack();
    const user = userOf(command.team_id, command.user_id);
    if (!user) return;
    const origin = { user, person: await person(deps, user), triggerId: command.trigger_id };
    const text = (command.text ?? "").trim();
    const [sub = "", ...words] = text.split(/\s+/);
    const rest = words.join(" ");
    const key = sub.toLowerCase();
    const intent = key === "" ? "help" : Object.hasOwn(SUBCOMMANDS, key) ? SUBCOMMANDS[key] : undefined;
    const reply =
      key === "need"
        ? await turn(deps, origin, { action: { verb: "need.new", data: { text: rest } } })
        : intent
          ? await turn(deps, origin, { text: `${intent} ${rest}`.trim(), personal: false })
          : // Anything else is what the person has on their mind: offered as a need, as in a Teams chat.
            await turn(deps, origin, { text, personal: true });
    await present(deps, origin, reply);
  });

  bolt.shortcut(REPORT_SHORTCUT, async ({ ack, shortcut }) => {
    await ack();
    if (shortcut.type !== "message_action") return;
    const user = userOf(shortcut.team?.id ?? shortcut.user.team_id, shortcut.user.id);
    if (!user) return;
    const origin = { user, person: await person(deps, user), triggerId: shortcut.trigger_id };
    // The need links back to the message it came from.
    const sourceUrl = await deps.client.chat
      .getPermalink({ channel: shortcut.channel.id, message_ts: shortcut.message.ts })
      .then((r) => r.permalink)
      .catch((err: unknown) => {
        deps.app.log.warn({ err }, "chat.getPermalink failed; the need will have no source link");
        return undefined;
      });
    const text = typeof shortcut.message.text === "string" ? shortcut.message.text : "";
    const reply = await turn(deps, origin, { action: { verb: "need.new", data: { text, ...(sourceUrl ? { sourceUrl } : {}) } } });
    await present(deps, origin, reply);
  });
}
