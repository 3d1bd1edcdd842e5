// `outbox list|retry|stats`: what waits or failed in the outbox, and putting
// failed messages back in the queue (dead letters an operator can see and retry).
import { DateTime } from "luxon";
import type { App } from "../app.ts";
import { decodeAddress, personAddress } from "../domain/addresses.ts";
import { withApp } from "./jobs.ts";
import type { CliCommandDefinition, CliIo } from "./types.ts";

const USAGE = "outbox list [--status pending|failed|sent] [--to EMAIL] [--limit N] | outbox retry <id>...|--failed | outbox stats";
const STATUSES = ["pending", "failed", "sent"] as const;

/** `--name value` options; unknown options and missing values are errors. */
function options(args: string[], known: string[]): { values: Map<string, string>; positional: string[]; error?: string } {
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) positional.push(arg);
    else if (!known.includes(arg)) return { values, positional, error: `Unknown option ${arg}` };
    else if (arg === "--failed") values.set(arg, "true");
    else if (args[i + 1] === undefined || args[i + 1]!.startsWith("--")) return { values, positional, error: `${arg} needs a value` };
    else values.set(arg, args[++i]!);
  }
  return { values, positional };
}

const when = (app: App, d: Date | null) => (d ? DateTime.fromJSDate(d, { zone: app.config.timezone }).toFormat("yyyy-MM-dd HH:mm") : "-");

async function list(args: string[], io: CliIo): Promise<number> {
  const { values, positional, error } = options(args, ["--status", "--to", "--limit"]);
  const status = values.get("--status");
  const limit = Number(values.get("--limit") ?? 100);
  if (error || positional.length || (status && !STATUSES.includes(status as never)) || !Number.isInteger(limit) || limit < 1) {
    io.err(`${error ?? "Bad arguments."} Usage: ${USAGE}`);
    return 2;
  }
  return withApp(async (app) => {
    let targets: string[] | undefined;
    const email = values.get("--to");
    if (email) {
      const person = await app.store.people.byEmail(email);
      if (!person) {
        io.err(`No person with e-mail ${email}`);
        return 1;
      }
      targets = [personAddress(person.id)];
    }
    const rows = await app.store.outbox.list({ status: status as (typeof STATUSES)[number] | undefined, targets, limit });
    if (rows.length === 0) io.out("No messages.");
    for (const m of rows) {
      io.out(`#${m.id} ${m.status} ${m.kind} to ${m.target}  created ${when(app, m.createdAt)}, tried ${m.attempts}× (${m.rateLimited}× 429), last ${when(app, m.lastAttemptAt)}${m.status === "pending" ? `, next ${when(app, m.availableAt)}` : ""}`);
      if (m.lastError) io.out(`    ${m.lastError}`);
    }
    return 0;
  });
}

async function retry(args: string[], io: CliIo): Promise<number> {
  const { values, positional, error } = options(args, ["--failed"]);
  const ids = positional.map(Number);
  const all = values.has("--failed");
  if (error || (all ? ids.length > 0 : ids.length === 0) || ids.some((id) => !Number.isInteger(id) || id < 1)) {
    io.err(`${error ?? "Give message ids or --failed."} Usage: ${USAGE}`);
    return 2;
  }
  return withApp(async (app) => {
    const count = await app.store.outbox.retryFailed(all ? { all: true } : { ids }, app.clock());
    io.out(`${count} failed message(s) queued again.`);
    if (!all && count < ids.length) {
      io.err(`${ids.length - count} of the ids given are not failed messages (unknown, pending or sent): nothing changed for them.`);
      return 1;
    }
    return 0;
  });
}

/** The platform a target goes to: its prefix, or for a person the platform of their first reachable account. */
async function platformOf(app: App, target: string): Promise<string> {
  const address = decodeAddress(target);
  if (!address) return "unknown";
  if (address.kind === "channel") return address.platform;
  const accounts = (await app.store.people.accountsOf(address.personId)).filter((a) => !a.unreachableAt);
  return accounts[0]?.platform ?? "web";
}

async function stats(args: string[], io: CliIo): Promise<number> {
  if (args.length) {
    io.err(`Usage: ${USAGE}`);
    return 2;
  }
  return withApp(async (app) => {
    const { byStatus, pendingByTarget, oldestPending } = await app.store.outbox.stats();
    io.out(`By status: ${STATUSES.map((s) => `${s} ${byStatus[s] ?? 0}`).join(", ")}`);
    const byPlatform = new Map<string, number>();
    for (const { target, count } of pendingByTarget) {
      const platform = await platformOf(app, target);
      byPlatform.set(platform, (byPlatform.get(platform) ?? 0) + count);
    }
    io.out(`Pending by platform: ${[...byPlatform].map(([p, c]) => `${p} ${c}`).join(", ") || "none"}`);
    io.out(`Pending by target (most first): ${pendingByTarget.slice(0, 10).map((t) => `${t.target} ${t.count}`).join(", ") || "none"}`);
    const age = oldestPending ? Math.round((app.clock().getTime() - oldestPending.getTime()) / 60_000) : null;
    io.out(`Oldest pending: ${oldestPending ? `${when(app, oldestPending)} (${age} min ago)` : "none"}`);
    return 0;
  });
}

export const outboxCommands: Record<string, CliCommandDefinition> = {
  outbox: {
    usage: `${USAGE}   the outbox: what waits or failed, retry failed messages`,
    async run(args, io) {
      const [sub, ...rest] = args;
      if (sub === "list") return list(rest, io);
      if (sub === "retry") return retry(rest, io);
      if (sub === "stats") return stats(rest, io);
      io.err(`Usage: ${USAGE}`);
      return 2;
    },
  },
};
