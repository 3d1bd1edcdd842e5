// The outbox worker: claims due messages with a lease, resolves each target
// to a platform's deliverer, paces sends under the platform limits, and
// records the outcome: sent, retried later (429 Retry-After, transient errors
// with backoff, no deliverer in this process) or failed. A worker that dies
// between claim and send loses nothing: its lease expires and another takes over.
// One that dies between send and recording it may have the message sent again
// (at least once at the crash point: at most the messages it was sending, up
// to `concurrency` per drain), and so may one whose database fails just then.
import { decodeAddress } from "../domain/addresses.ts";
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
  /** How long a claim holds; longer than any single delivery takes (default OUTBOX_LEASE_SECONDS). */
  leaseMs?: number;
  batchSize?: number;
  /** Messages sent at the same time (to different targets; one target's messages go in order); default: what the database takes. */
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

/**
 * Runs `fn` over the batch in queue order, at most `limit` at a time; a
 * message waits for the one before it to the same target, so each target
 * gets its messages in order. With limit 1, strictly one after another.
 */
async function inQueueOrder(batch: OutboxMessage[], limit: number, fn: (message: OutboxMessage) => Promise<void>): Promise<void> {
  const lastOfTarget = new Map<string, Promise<void>>();
  const running = new Set<Promise<void>>();
  const errors: unknown[] = [];
  for (const message of batch) {
    while (running.size >= limit) await Promise.race(running);
    const done = (lastOfTarget.get(message.target) ?? Promise.resolve()).then(() => fn(message)).catch((err: unknown) => {
      errors.push(err);
    });
    lastOfTarget.set(message.target, done);
    running.add(done);
    void done.then(() => running.delete(done));
  }
  await Promise.all(running);
  if (errors.length) throw errors[0];
}

export function createOutboxWorker(app: App, options: OutboxWorkerOptions = {}) {
  const owner = options.owner ?? processOwner();
  const leaseMs = options.leaseMs ?? app.config.outboxLeaseMs;
  const batchSize = options.batchSize ?? 50;
  const concurrency = options.concurrency ?? app.store.outbox.parallelSends;
  const maxAttempts = options.maxAttempts ?? 6;
  const maxRateLimited = options.maxRateLimited ?? 50;
  const pacer = options.pacer ?? createPacer();
  const { store, metrics, log } = app;

  async function resolve(target: string): Promise<Resolved> {
    const address = decodeAddress(target);
    if (!address) return { kind: "fail", platform: "unknown", reason: `permanent: unknown target ${target}` };
    if (address.kind === "person") {
      const person = await store.people.byId(address.personId);
      if (!person) return { kind: "fail", platform: "unknown", reason: `unreachable: no person ${address.personId}` };
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
    const { platform, id } = address;
    const deliverer = app.deliverers.get(platform);
    if (!deliverer) return { kind: "wait", platform, reason: `no ${platform} deliverer in this process` };
    return { kind: "deliver", platform, deliverer, target: { kind: "channel", id }, pace: paceKeys(platform, "", `channel:${id}`), accountId: null };
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

  /** Delivers one claimed message and records the outcome; "lost" when another worker took it over. */
  async function deliverOne(message: OutboxMessage, now: Date, lease: { now: () => Date; until: Date }): Promise<keyof DrainResult | "lost"> {
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
    let delivered: { ref: string };
    try {
      await pacer.take(pace);
      // A send starts with at least half a lease left: a batch that takes longer
      // than that renews each message's lease (false: another worker took it over).
      const leaseNow = lease.now().getTime();
      if (lease.until.getTime() - leaseNow < leaseMs / 2 && !(await store.outbox.renew(message.id, owner, new Date(leaseNow + leaseMs)))) return "lost";
      delivered = await deliverer.deliver(target, message.payload as AdaptiveCard);
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
    // Sent: a failure to record it is not a failed delivery (that would send it
    // again at once). Retried briefly; if it still fails, the lease expires and
    // the message goes out again (at least once).
    metrics.outboxSent.inc({ platform, kind: message.kind });
    for (let attempt = 1; ; attempt++) {
      try {
        if (!(await store.outbox.markSent(message.id, owner, { at: now, ref: delivered.ref }))) {
          log.warn({ outbox: message.id }, "outbox lease lost before the send was recorded; another worker may send it again");
        }
        return "sent";
      } catch (err) {
        if (attempt >= 3) {
          log.error({ err, outbox: message.id }, "outbox message sent but not recorded; it goes out again when its lease expires");
          return "sent";
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  async function updateGauges(now: Date) {
    const { pending, oldestCreatedAt } = await store.outbox.pendingStats();
    metrics.outboxQueued.set(pending);
    metrics.outboxOldestPendingAge.set(oldestCreatedAt ? Math.max(0, (now.getTime() - oldestCreatedAt.getTime()) / 1000) : 0);
  }

  let stopping = false;

  return {
    owner,
    /**
     * Sends everything due at `now`, batch by batch, until nothing due is left
     * (or stop() was called). Leases are reckoned from `now` plus the real time
     * the drain has taken, so a long drain does not claim with leases already
     * expired for the other replicas.
     */
    async drain(now: Date, ctx: Pick<JobContext, "dryRun" | "out"> = { dryRun: false, out: () => {} }): Promise<DrainResult> {
      const result: DrainResult = { sent: 0, retried: 0, failed: 0 };
      if (ctx.dryRun) {
        for (const m of await store.outbox.due(now, 500)) ctx.out(`would deliver #${m.id} ${m.kind} to ${m.target}`);
        return result;
      }
      const started = performance.now();
      const leaseNow = () => new Date(now.getTime() + Math.round(performance.now() - started));
      while (!stopping) {
        const claimedAt = leaseNow();
        const batch = await store.outbox.claim({ owner, now: claimedAt, leaseMs, limit: batchSize });
        const lease = { now: leaseNow, until: new Date(claimedAt.getTime() + leaseMs) };
        if (batch.length === 0) break;
        // Sending is mostly waiting (the platform, the database): targets go in
        // parallel, each target's messages one after another, in queue order.
        await inQueueOrder(batch, concurrency, async (message) => {
          // Stopping: the rest of the batch is released by release().
          if (stopping) return;
          const outcome = await deliverOne(message, now, lease);
          if (outcome === "lost") return;
          result[outcome]++;
          ctx.out(`#${message.id} ${message.kind} to ${message.target}: ${outcome}`);
        });
      }
      await updateGauges(now);
      return result;
    },
    /** Graceful shutdown: drains finish the message they are sending and claim no more. */
    stop() {
      stopping = true;
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
