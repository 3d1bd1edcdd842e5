// `announcements report <id>`: every recipient's outcome (operators at the
// server; in chat the author sees the counts on the report card).
import { loadConfig } from "../config.ts";
import { recipientOutcome, reportOf } from "../domain/announcements.ts";
import { openStore } from "../store/index.ts";
import { csvCell, flagValue } from "./csv.ts";
import type { CliCommandDefinition, CliIo } from "./types.ts";

const USAGE = "Usage: announcements report <id> [--format csv|json]";

async function announcements(args: string[], io: CliIo): Promise<number> {
  const [sub, idText] = args;
  const id = Number(idText);
  const format = flagValue(args, "--format") ?? "csv";
  if (sub !== "report" || !Number.isInteger(id) || id <= 0 || (format !== "csv" && format !== "json")) {
    io.err(USAGE);
    return 2;
  }
  const store = await openStore(loadConfig().databaseUrl);
  try {
    const announcement = await store.announcements.byId(id);
    if (!announcement) {
      io.err(`No announcement ${id}`);
      return 1;
    }
    const rows = await store.announcements.recipientRows(id);
    const recipients = rows.map((r) => ({ target: r.target, locale: r.locale, outcome: recipientOutcome(r), error: r.outbox?.lastError ?? "" }));
    if (format === "json") {
      io.out(JSON.stringify({ id, state: announcement.state, counts: reportOf(rows), recipients }, null, 2));
    } else {
      io.out("target,locale,outcome,error");
      for (const r of recipients) io.out([r.target, r.locale, r.outcome, r.error].map(csvCell).join(","));
    }
    io.err(`announcement ${id} (${announcement.state}): ${rows.length} recipients`);
    return 0;
  } finally {
    await store.close();
  }
}

export const announcementCommands: Record<string, CliCommandDefinition> = {
  announcements: { usage: "announcements report <id> [--format csv|json]  every recipient's outcome", run: announcements },
};
