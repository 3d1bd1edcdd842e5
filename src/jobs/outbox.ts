// The outbox worker: claims due messages with a lease, resolves each target
// to a platform's deliverer, paces sends under the platform limits, and
// records the outcome: sent, retried later (429 Retry-After, transient errors
// with backoff, no deliverer in this process) or failed. A worker that dies
// between claim and send loses nothing: its lease expires and another takes over.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { App } from "../app.ts";
import type { AdaptiveCard } from "../cards/elements.ts";
import { DeliveryError, type Deliverer, type DeliveryTarget } from "../bots/delivery.ts";
import type { Platform } from "../domain/types.ts";
import type { OutboxMessage } from "../store/outbox.ts";
import { createPacer, PLATFORM_RATES, type Pacer, type Rate } from "./pacing.ts";
import type { Job, JobContext } from "./types.ts";

export interface OutboxWorkerOptions {
  /** Who holds the leases: unique per process. */
  owner?: string;
  /** How long a claim holds; longer than any single delivery takes. */
  leaseMs?: number;
  batchSize?: number;
  /**
   * Messages delivered at the same time (each still paced per platform bucket).
   * 1 by default: with more, two processes on one SQLite file lock each other
   * out often enough to delay messages, and the benchmark showed no gain while
   * the worker is CPU-bound in Prisma (docs/PERFORMANCE.md, fan-out).
   */
  concurrency?: number;
  /** Failed attempts (transient errors) before giving up. */
  maxAttempts?: number;
  /** 429 answers before giving up on a message. */
  maxRateLimited?: number;
  pacer?: Pacer;
}

export interface DrainResult {
  sent: number;
  retried: number;
  failed: number;
}

type Resolved =
  | { kind: "deliver"; platform: Platform; deliverer: Deliverer; target: DeliveryTarget; pace: { key: string; rate: Rate }[]; accountId: number | null }
  | { kind: "wait"; platform: string; reason: string }
  | { kind: "fail"; platform: string; reason: string };

const NO_DELIVERER_RETRY_MS = 60_000;
const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** Backoff after the n-th failed attempt: 10 s, 20 s, 40 s … at most 30 min. */
export function backoffMs(attempt: number): number {
  return Math.min(30 * 60_000, 10_000 * 2 ** Math.max(0, attempt - 1));
}

export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

function paceKeys(platform: Platform, tenant: string, conversation: string): { key: string; rate: Rate }[] {
  if (platform === "teams") {
    return [
      { key: `teams:tenant:${tenant}`, rate: PLATFORM_RATES.teamsTenant },
      { key: `teams:conversation:${conversation}`, rate: PLATFORM_RATES.teamsConversation },
    ];
  }
  if (platform === "slack") return [{ key: `slack:channel:${conversation}`, rate: PLATFORM_RATES.slackChannel }];
  return [];
}

export function createOutboxWorker(app: App, options: OutboxWorkerOptions = {}) {
  const owner = options.owner ?? processOwner();
  const leaseMs = options.leaseMs ?? 120_000;
  const batchSize = options.batchSize ?? 25;
  const concurrency = options.concurrency ?? 1;
  const maxAttempts = options.maxAttempts ?? 6;
  const maxRateLimited = options.maxRateLimited ?? 50;
  const pacer = options.pacer ?? createPacer();
  const { store, metrics, log } = app;

  async function resolve(target: string): Promise<Resolved> {
    const [prefix, ...rest] = target.split(":");
    const id = rest.join(":");
    if (prefix === "person") {
      const person = await store.people.byId(Number(id));
      if (!person) return { kind: "fail", platform: "unknown", reason: `unreachable: no person ${id}` };
      const accounts = (await store.people.accountsOf(person.id)).filter((a) => !a.unreachableAt);
      const account = accounts.find((a) => app.deliverers.has(a.platform));
      if (account) {
        return {
          kind: "deliver",
          platform: account.platform,
          deliverer: app.deliverers.get(account.platform)!,
          target: { kind: "person", person, account },
          pace: paceKeys(account.platform, account.tenantId, `account:${account.id}`),
          accountId: account.id,
        };
      }
      const web = app.deliverers.get("web");
      if (web && app.config.webChat) return { kind: "deliver", platform: "web", deliverer: web, target: { kind: "person", person, account: null }, pace: [], accountId: null };
      if (accounts.length) return { kind: "wait", platform: accounts[0]!.platform, reason: `no ${accounts[0]!.platform} deliverer in this process` };
      return { kind: "fail", platform: "unknown", reason: `unreachable: ${person.displayName} has no reachable chat account` };
    }
    if (prefix === "teams" || prefix === "slack") {
      const deliverer = app.deliverers.get(prefix);
      if (!deliverer) return { kind: "wait", platform: prefix, reason: `no ${prefix} deliverer in this process` };
      return { kind: "deliver", platform: prefix, deliverer, target: { kind: "channel", id }, pace: paceKeys(prefix, "", `channel:${id}`), accountId: null };
    }
    return { kind: "fail", platform: "unknown", reason: `permanent: unknown target ${target}` };
  }

  async function fail(message: OutboxMessage, platform: string, reason: string, error: string) {
    if (await store.outbox.markFailed(message.id, owner, error.slice(0, 1000))) {
      metrics.outboxFailed.inc({ platform, reason });
      log.warn({ outbox: message.id, kind: message.kind, target: message.target, error }, "outbox message failed");
    }
  }

  async function retry(message: OutboxMessage, platform: string, reason: string, availableAt: Date, error: string, count: "attempt" | "rateLimited" | "none") {
    if (await store.outbox.retryLater(message.id, owner, { availableAt, lastError: error.slice(0, 1000), count })) {
      metrics.outboxRetried.inc({ platform, reason });
    }
  }

  /** Delivers one claimed message and records the outcome. */
  async function deliverOne(message: OutboxMessage, now: Date): Promise<keyof DrainResult> {
    const resolved = await resolve(message.target);
    if (resolved.kind === "fail") {
      await fail(message, resolved.platform, "unreachable", resolved.reason);
      return "failed";
    }
    if (resolved.kind === "wait") {
      await retry(message, resolved.platform, "no_deliverer", new Date(now.getTime() + NO_DELIVERER_RETRY_MS), resolved.reason, "none");
      return "retried";
    }
    const { platform, deliverer, target, pace, accountId } = resolved;
    try {
      await pacer.take(pace);
      const delivered = await deliverer.deliver(target, message.payload as AdaptiveCard);
      if (!(await store.outbox.markSent(message.id, owner, { at: now, ref: delivered.ref }))) {
        log.warn({ outbox: message.id }, "outbox lease lost before the send was recorded; another worker may send it again");
      }
      metrics.outboxSent.inc({ platform, kind: message.kind });
      return "sent";
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError("transient", err instanceof Error ? err.message : String(err));
      if (e.failure === "rate_limited") {
        if (message.rateLimited + 1 >= maxRateLimited) {
          await fail(message, platform, "rate_limited", `rate limited ${message.rateLimited + 1} times: ${e.message}`);
          return "failed";
        }
        const wait = Math.min(MAX_RETRY_AFTER_MS, Math.max(1000, e.retryAfterMs ?? 1000));
        await retry(message, platform, "rate_limited", new Date(now.getTime() + wait), `rate_limited: ${e.message}`, "rateLimited");
        return "retried";
      }
      if (e.failure === "transient" && message.attempts + 1 < maxAttempts) {
        await retry(message, platform, "transient", new Date(now.getTime() + backoffMs(message.attempts + 1)), `transient: ${e.message}`, "attempt");
        return "retried";
      }
      if (e.failure === "unreachable" && accountId !== null) await store.people.markUnreachable(accountId, now);
      await fail(message, platform, e.failure, `${e.failure}: ${e.message}`);
      return "failed";
    }
  }

  async function updateGauges(now: Date) {
    const { pending, oldestCreatedAt } = await store.outbox.pendingStats();
    metrics.outboxQueued.set(pending);
    metrics.outboxOldestPendingAge.set(oldestCreatedAt ? Math.max(0, (now.getTime() - oldestCreatedAt.getTime()) / 1000) : 0);
  }

  return {
    owner,
    /** Sends everything due at `now`, batch by batch, until nothing due is left. */
    async drain(now: Date, ctx: Pick<JobContext, "dryRun" | "out"> = { dryRun: false, out: () => {} }): Promise<DrainResult> {
      const result: DrainResult = { sent: 0, retried: 0, failed: 0 };
      if (ctx.dryRun) {
        for (const m of await store.outbox.due(now, 500)) ctx.out(`would deliver #${m.id} ${m.kind} to ${m.target}`);
        return result;
      }
      // Up to `concurrency` messages in flight, each waiting only for its own
      // platform buckets (one after another, a message waiting for a busy Slack
      // channel holds up every other channel and tenant). Messages to one
      // target always go in order, one at a time.
      const inFlight = new Set<Promise<void>>();
      const lastTo = new Map<string, Promise<void>>();
      for (;;) {
        const room = concurrency - inFlight.size;
        const batch = room > 0 ? await store.outbox.claim({ owner, now, leaseMs, limit: Math.min(batchSize, room) }) : [];
        if (batch.length === 0 && inFlight.size === 0) break;
        for (const message of batch) {
          const done = (lastTo.get(message.target) ?? Promise.resolve())
            .then(() => deliverOne(message, now))
            .then((outcome) => {
              result[outcome]++;
              ctx.out(`#${message.id} ${message.kind} to ${message.target}: ${outcome}`);
            })
            .finally(() => {
              inFlight.delete(done);
              if (lastTo.get(message.target) === done) lastTo.delete(message.target);
            });
          inFlight.add(done);
          lastTo.set(message.target, done);
        }
        if (batch.length === 0 || inFlight.size >= concurrency) await Promise.race(inFlight);
      }
      await updateGauges(now);
      return result;
    },
    /** Gives back claims not yet sent (shutdown). */
    release: () => store.outbox.release(owner),
  };
}
export type OutboxWorker = ReturnType<typeof createOutboxWorker>;

export function outboxJob(worker?: OutboxWorker): Job {
  return {
    name: "outbox",
    description: "delivers queued proactive messages (the server also drains it every few seconds)",
    schedule: "* * * * *",
    async run(ctx) {
      const { sent, retried, failed } = await (worker ?? createOutboxWorker(ctx.app)).drain(ctx.now, ctx);
      return { summary: `${sent} sent, ${retried} retried, ${failed} failed`, counts: { sent, retried, failed } };
    },
  };
}
