// The outbox worker: claims due messages with a lease, resolves each target
// to a platform's deliverer, paces sends under the platform limits, and
// records the outcome: sent, retried later (429 Retry-After, transient errors
// with capped backoff until OUTBOX_RETRY_HOURS, a paused channel, a rate limit
// that needs a long wait, no deliverer in this process) or failed.
//
// Throughput does not depend on the platform's round trip: many sends are in
// flight at once (different targets; one target's messages go one after
// another, in queue order), and claims and outcomes are written in batches by
// one writer. A message whose rate limit must wait gives up its send slot.
//
// Exactly once, except a crash mid-send: a send has a timeout well inside the
// lease, and the leases of everything held are renewed while the drain runs,
// so no other worker takes over a message being sent. A worker that dies
// between claim and send loses nothing: its lease expires and another takes
// over. What remains at least once (docs/PERFORMANCE.md, "Delivery
// guarantees"): a process killed between the platform's answer and the
// record, a database that fails just then, and a send that timed out but
// reached the platform all the same.
import { decodeAddress, personAddress } from "../domain/addresses.ts";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { App } from "../app.ts";
import type { AdaptiveCard } from "../cards/elements.ts";
import { noticeCard } from "../cards/messages.ts";
import { translator } from "../i18n/index.ts";
import { DeliveryError, type Deliverer, type DeliveryTarget } from "../bots/delivery.ts";
import type { Person, Platform } from "../domain/types.ts";
import type { ChatAccount } from "../store/people.ts";
import type { OutboxMessage, OutboxOutcome } from "../store/outbox.ts";
import { createDatabaseLimiter, createLagMonitor, PLATFORM_LIMITS, type Limiter, type LimitKey } from "./pacing.ts";
import type { Job, JobContext } from "./types.ts";

export interface OutboxWorkerOptions {
  /** Who holds the leases: unique per process. */
  owner?: string;
  /** How long a claim holds without renewal (default OUTBOX_LEASE_SECONDS). */
  leaseMs?: number;
  /** Most messages held at once (claimed, waiting for their turn or being sent); see MAX_HELD. */
  maxHeld?: number;
  /** Sends in flight at once (to different targets). */
  concurrency?: number;
  /** A send without an answer after this long counts as a timeout (default: a third of the lease, at most 30 s). */
  sendTimeoutMs?: number;
  /** A message whose rate limit needs a longer wait goes back to the queue until then. */
  maxPaceWaitMs?: number;
  limiter?: Limiter;
  /** Jitter source (tests pass a fixed one). */
  random?: () => number;
}

export interface DrainResult {
  sent: number;
  retried: number;
  failed: number;
}

type Resolved =
  | {
      kind: "deliver";
      platform: Platform;
      deliverer: Deliverer;
      target: DeliveryTarget;
      keys: LimitKey[];
      /** The limits of the deliverer's preparation (a Slack DM opened first: a workspace-wide Web API method). */
      prepareKeys: LimitKey[];
      accountId: number | null;
    }
  | { kind: "wait"; platform: string; reason: string }
  | { kind: "fail"; platform: string; reason: string };

type Handled = keyof DrainResult | "released" | "lost";
/** A person to deliver to and their chat accounts, newest first (null: erased or gone). */
type PersonLookup = { person: Person | null; accounts: ChatAccount[] };
/** A send's turn under its rate limits: go (due at `due`, performance.now(); `reserved` in the limiter), wait this long (step aside), or stop. */
type Turn = { due: number; reserved: number } | { wait: number } | "stopped";
const isGo = (turn: Turn): turn is { due: number; reserved: number } => turn !== "stopped" && "due" in turn;

const NO_DELIVERER_RETRY_MS = 60_000;
const MAX_RETRY_AFTER_MS = 15 * 60_000;
const MAX_BACKOFF_MS = 15 * 60_000;
/** A paused channel is probed after 30 s, then after twice as long each time, at most every 15 min. */
const FIRST_PROBE_MS = 30_000;
const CLAIM_CHUNK = 250;
/** A refill (see runChain) waits this long for more chains to run dry, and takes at most these many targets. */
const REFILL_MS = 50;
const REFILL_TARGETS = 500;
/** The general claim, having found all that is due, looks again this much later. */
const LOOK_AGAIN_MS = 200;
/**
 * A send later than this after its turn moves its turn or takes a new one
 * (see takeTurn): 15 ms of the 60 ms window margin are left for what happens
 * between the check and the request leaving. At 25 ms the fan-out's tenants
 * lost 2 s in 40 to turns taken again; at 45 about 1.5 s, with no more 429s.
 */
const LATE_TURN_MS = 45;
/**
 * A drain holds up to this many messages: enough to reach every target of a
 * large send-out at once. The claim takes each target's next message in queue
 * order, so a smaller hold that grew with the drain's rate (64 or 500 at
 * first) filled with one tenant's messages waiting for their turns, and the
 * other tenants and Slack channels started 2–4 s late (the fan-out bench: 86 %
 * of the allowed rate instead of 90 %). The cost: a small queue goes mostly to
 * the replica that drains first, which the shared limits make harmless, and a
 * replica killed holding it delays it by a lease.
 */
const MAX_HELD = 1000;

/**
 * Backoff after the n-th failed attempt: 10 s, 20 s, 40 s … at most 15 min,
 * with jitter (between half and all of it), so messages that failed together
 * do not all come back in the same second.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 10_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + (random() * base) / 2);
}

export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** The rate-limit keys of a send, most general first (the last is the conversation or channel). */
function limitKeys(platform: Platform, tenant: string, conversation: string): LimitKey[] {
  if (platform === "teams") {
    return [
      { key: `teams:tenant:${tenant}`, windows: PLATFORM_LIMITS.teamsTenant },
      { key: `teams:conversation:${conversation}`, windows: PLATFORM_LIMITS.teamsConversation },
    ];
  }
  if (platform === "slack") return [{ key: `slack:channel:${conversation}`, windows: PLATFORM_LIMITS.slackChannel }];
  return [];
}

/** A Slack DM not opened yet is opened first with conversations.open, counted per workspace. */
function prepareKeys(platform: Platform, tenant: string, opened: boolean): LimitKey[] {
  return platform === "slack" && !opened ? [{ key: `slack:workspace:${tenant}`, windows: PLATFORM_LIMITS.slackWorkspace }] : [];
}

/** A counting semaphore: the send slots. */
function createSlots(size: number) {
  let free = size;
  const waiting: (() => void)[] = [];
  return {
    async acquire() {
      if (free > 0) {
        free--;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

/**
 * The one writer of a worker: claims, renewals and outcomes go through it one
 * at a time; outcomes that arrive while it writes are collected and written
 * together in the next transaction.
 */
function createWriter(write: (outcomes: OutboxOutcome[]) => Promise<boolean[]>) {
  let tail: Promise<unknown> = Promise.resolve();
  const queue: { outcome: OutboxOutcome; resolve: (held: boolean) => void; reject: (err: unknown) => void }[] = [];
  let flushQueued = false;

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn);
    tail = run.catch(() => {});
    return run;
  }

  async function flush() {
    flushQueued = false;
    const batch = queue.splice(0, 500);
    if (batch.length === 0) return;
    for (let attempt = 1; ; attempt++) {
      try {
        const held = await write(batch.map((b) => b.outcome));
        batch.forEach((b, i) => b.resolve(held[i]!));
        return;
      } catch (err) {
        if (attempt >= 3) {
          for (const b of batch) b.reject(err);
          return;
        }
        await sleep(200 * attempt);
      }
    }
  }

  return {
    exclusive,
    /** Resolves with true when the outcome was written while the lease was still ours. */
    record(outcome: OutboxOutcome): Promise<boolean> {
      return new Promise((resolve, reject) => {
        queue.push({ outcome, resolve, reject });
        if (!flushQueued) {
          flushQueued = true;
          void exclusive(flush);
        }
      });
    },
  };
}

/** Runs `send`, failing it as a timeout after `ms`; a late answer is logged (it may be a duplicate). */
async function withTimeout<T>(send: Promise<T>, ms: number, onLate: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new DeliveryError("transient", `no answer within ${Math.round(ms / 1000)} s (timeout)`));
    }, ms);
  });
  send.then(
    () => timedOut && onLate(),
    () => {},
  );
  try {
    return await Promise.race([send, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface ChannelPause {
  until: number;
  delayMs: number;
  reason: string;
  probing: boolean;
}

export function createOutboxWorker(app: App, options: OutboxWorkerOptions = {}) {
  const owner = options.owner ?? processOwner();
  const leaseMs = options.leaseMs ?? app.config.outboxLeaseMs;
  const maxHeld = options.maxHeld ?? MAX_HELD;
  const concurrency = options.concurrency ?? 128;
  const sendTimeoutMs = options.sendTimeoutMs ?? Math.min(30_000, Math.round(leaseMs / 3));
  const maxPaceWaitMs = options.maxPaceWaitMs ?? 10_000;
  const retryMs = app.config.outboxRetryMs;
  // Shared through the database by every process that sends (replicas, the CLI).
  const limiter = options.limiter ?? createDatabaseLimiter(app.store.rateLimits, { marginMs: app.config.outboxPacingMarginMs, lag: createLagMonitor() });
  const random = options.random ?? Math.random;
  const { store, metrics, log } = app;
  const writer = createWriter((outcomes) => store.outbox.record(owner, outcomes));
  /** Channels paused by a configuration error, until a probe succeeds. */
  const paused = new Map<string, ChannelPause>();

  async function resolve(target: string, lookUp: (personId: number) => Promise<PersonLookup>): Promise<Resolved> {
    const address = decodeAddress(target);
    if (!address) return { kind: "fail", platform: "unknown", reason: `permanent: unknown target ${target}` };
    if (address.kind === "person") {
      const { person, accounts: all } = await lookUp(address.personId);
      if (!person) return { kind: "fail", platform: "unknown", reason: `unreachable: no person ${address.personId}` };
      const accounts = all.filter((a) => !a.unreachableAt && app.deliverers.has(a.platform));
      // A paused channel's messages wait, unless the person is reachable on another that works.
      const account = accounts.find((a) => !paused.has(a.platform)) ?? accounts[0];
      if (account) {
        return {
          kind: "deliver",
          platform: account.platform,
          deliverer: app.deliverers.get(account.platform)!,
          target: { kind: "person", person, account },
          keys: limitKeys(account.platform, account.tenantId, `account:${account.id}`),
          prepareKeys: prepareKeys(account.platform, account.tenantId, account.conversationRef !== null),
          accountId: account.id,
        };
      }
      const web = app.deliverers.get("web");
      if (web && app.config.webChat) return { kind: "deliver", platform: "web", deliverer: web, target: { kind: "person", person, account: null }, keys: [], prepareKeys: [], accountId: null };
      const elsewhere = all.find((a) => !a.unreachableAt);
      if (elsewhere) return { kind: "wait", platform: elsewhere.platform, reason: `no ${elsewhere.platform} deliverer in this process` };
      return { kind: "fail", platform: "unknown", reason: `unreachable: ${person.displayName} has no reachable chat account` };
    }
    const { platform, id } = address;
    const deliverer = app.deliverers.get(platform);
    if (!deliverer) return { kind: "wait", platform, reason: `no ${platform} deliverer in this process` };
    return { kind: "deliver", platform, deliverer, target: { kind: "channel", id }, keys: limitKeys(platform, "", `channel:${id}`), prepareKeys: [], accountId: null };
  }

  /** Pauses a channel; a failed probe doubles the pause, other sends failing in the same pause leave it as it is. */
  function pauseChannel(platform: string, reason: string, at: number, probe: boolean) {
    const before = paused.get(platform);
    if (before && !probe) return;
    const delayMs = before ? Math.min(MAX_BACKOFF_MS, before.delayMs * 2) : FIRST_PROBE_MS;
    paused.set(platform, { until: at + delayMs, delayMs, reason, probing: false });
    metrics.outboxChannelPaused.set({ platform }, 1);
    log.error({ platform, reason, probeInMs: delayMs }, `${platform} delivery paused: the channel's configuration fails; nothing is lost, it resumes when a probe succeeds`);
    if (!before) void tellAdmins(platform, reason, at).catch((err: unknown) => log.error({ err }, "admins not told about the paused channel"));
  }

  /** A notice to every admin (once an hour per channel): it reaches those who are on another channel that works. */
  async function tellAdmins(platform: string, reason: string, at: number) {
    const name = platform === "teams" ? "Microsoft Teams" : platform === "slack" ? "Slack" : platform;
    for (const admin of await store.people.withRole("admin")) {
      const t = translator(admin.locale);
      await store.outbox.enqueue({
        dedupeKey: `outbox.paused:${platform}:${Math.floor(at / 3_600_000)}:person:${admin.id}`,
        target: personAddress(admin.id),
        kind: "outbox.paused",
        payload: noticeCard(t("admin.notify.deliveryPaused", { platform: name, reason }), t("admin.notify.deliveryPaused.title", { platform: name })),
        availableAt: new Date(at),
      });
    }
  }

  function resumeChannel(platform: string) {
    if (!paused.delete(platform)) return;
    metrics.outboxChannelPaused.set({ platform }, 0);
    log.warn({ platform }, `${platform} delivery resumed`);
  }

  let stopping = false;
  /** What the running drain holds: claimed and not yet recorded, and which of those are being sent. */
  const held = new Map<number, { message: OutboxMessage; leaseUntil: number }>();
  const inFlight = new Set<number>();

  async function drainOnce(now: Date, called: number, ctx: Pick<JobContext, "dryRun" | "out">): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, retried: 0, failed: 0 };
    // The drain's clock: `now` plus the real time since drain() was called
    // (not since this drain started: it may have waited for the one before),
    // so a retry is reckoned from the answer, and the reservations this
    // process makes in the shared limiter are on the same clock as everyone's.
    const started = called;
    const clock = () => now.getTime() + Math.round(performance.now() - started);
    const slots = createSlots(concurrency);
    const chains = new Map<string, OutboxMessage[]>();
    // Targets resolved in this drain: most targets get several messages, and
    // resolving is two queries. Forgotten when the account turns out unreachable.
    const resolvedTargets = new Map<string, Promise<Resolved>>();
    // The people behind a claim's targets, looked up together when claimed:
    // one by one, 700 targets took a second on PostgreSQL, and the last
    // tenant's first send waited for it.
    const people = new Map<number, Promise<PersonLookup>>();
    const lookUp = (personId: number) => people.get(personId) ?? lookUpPeople([personId]).get(personId)!;
    function lookUpPeople(personIds: number[]) {
      const ids = [...new Set(personIds)].filter((id) => !people.has(id));
      if (ids.length === 0) return people;
      const found = Promise.all([store.people.byIds(ids), store.people.accountsOfMany(ids)]).then(([persons, accounts]) => ({
        persons: new Map(persons.map((p) => [p.id, p])),
        accounts,
      }));
      for (const id of ids) {
        const lookup = found.then((f) => ({ person: f.persons.get(id) ?? null, accounts: f.accounts.get(id) ?? [] }));
        lookup.catch(() => people.delete(id));
        people.set(id, lookup);
      }
      return people;
    }
    /** Forgets what was looked up for a target (its account turned out unreachable). */
    const forget = (target: string) => {
      resolvedTargets.delete(target);
      const address = decodeAddress(target);
      if (address?.kind === "person") people.delete(address.personId);
    };
    const resolveOnce = (target: string) => {
      let resolved = resolvedTargets.get(target);
      if (!resolved) {
        resolved = resolve(target, lookUp);
        resolvedTargets.set(target, resolved);
        resolved.catch(() => forget(target));
      }
      return resolved;
    };
    const running = new Set<Promise<void>>();
    let progressed: () => void = () => {};
    /** Targets whose chains ran dry since the last refill (see runChain). */
    const dry = new Set<string>();
    /** The general claim looks when this much of the hold is free, and not before quietUntil (performance.now()). */
    const lookRoom = Math.min(CLAIM_CHUNK, maxHeld / 2);
    let quietUntil = 0;

    const record = async (outcome: OutboxOutcome): Promise<boolean> => {
      try {
        return await writer.record(outcome);
      } catch (err) {
        log.error({ err, outbox: outcome.id, outcome: outcome.kind }, "outbox outcome not recorded; the message goes out again when its lease expires");
        return false;
      } finally {
        held.delete(outcome.id);
        progressed();
      }
    };

    async function retry(message: OutboxMessage, platform: string, reason: string, availableAt: number, error: string | null, count: "attempt" | "rateLimited" | "none"): Promise<Handled> {
      const at = new Date(clock());
      if (!(await record({ id: message.id, kind: "retry", at, availableAt: new Date(availableAt), lastError: error, count, failingSince: message.failingSince }))) return "lost";
      metrics.outboxRetried.inc({ platform, reason });
      return "retried";
    }

    async function fail(message: OutboxMessage, platform: string, reason: string, error: string): Promise<Handled> {
      if (!(await record({ id: message.id, kind: "failed", at: new Date(clock()), lastError: error }))) return "lost";
      metrics.outboxFailed.inc({ platform, reason });
      log.warn({ outbox: message.id, kind: message.kind, target: message.target, error }, "outbox message failed");
      return "failed";
    }

    /** A retry within the horizon (OUTBOX_RETRY_HOURS from the first failure), else the message fails. */
    function retryOrGiveUp(message: OutboxMessage, platform: string, reason: string, delayMs: number, error: string, count: "attempt" | "rateLimited") {
      const at = clock();
      const deadline = (message.failingSince?.getTime() ?? at) + retryMs;
      if (at >= deadline) return fail(message, platform, reason, `gave up after ${Math.round(retryMs / 3_600_000)} h of retries: ${error}`);
      return retry(message, platform, reason, Math.min(at + delayMs, deadline), error, count);
    }

    /**
     * Reserves the message's turn under these rate limits and waits for it;
     * a turn further away than maxPaceWaitMs is not reserved (its wait is
     * returned: the message goes back to the queue, "paced"). The wait holds
     * no send slot, so other targets go meanwhile. `due`: when the turn was
     * (performance.now()).
     */
    async function pace(keys: LimitKey[]): Promise<Turn> {
      if (!keys.length) return { due: performance.now(), reserved: clock() };
      const turn = await limiter.take(keys, clock(), stopping ? 0 : maxPaceWaitMs);
      if (!turn.taken) return { wait: turn.wait };
      const due = performance.now() + turn.wait;
      if (turn.wait > 0) await sleep(turn.wait);
      // Shutdown while waiting for the turn: nothing new starts.
      return stopping ? "stopped" : { due, reserved: turn.reserved };
    }

    /**
     * The message's turn (see pace), then a send slot. A send that would start
     * more than LATE_TURN_MS after its turn (a busy event loop, every slot
     * taken) arrives late at the platform, which counts it then: in the same
     * window as turns reserved a window after it, which costs a 429 and, for
     * a tenant, a second's pause. Its turn moves to now where the windows
     * allow it (a key only its target uses), else it takes a new turn (a busy
     * tenant: a fiftieth of a second).
     */
    async function takeTurn(keys: LimitKey[]): Promise<Turn> {
      let turn = await pace(keys);
      for (;;) {
        if (!isGo(turn)) return turn;
        await slots.acquire();
        const lateness = performance.now() - turn.due;
        metrics.outboxTurnLateness.observe(lateness / 1000);
        if (lateness <= LATE_TURN_MS || !keys.length || (await limiter.move(keys, turn.reserved, clock()))) return turn;
        slots.release();
        turn = await pace(keys);
      }
    }

    async function handle(message: OutboxMessage): Promise<Handled> {
      if (stopping) {
        await record({ id: message.id, kind: "release" });
        return "released";
      }
      const resolved = await resolveOnce(message.target);
      if (resolved.kind === "fail") return fail(message, resolved.platform, "unreachable", resolved.reason);
      if (resolved.kind === "wait") return retry(message, resolved.platform, "no_deliverer", clock() + NO_DELIVERER_RETRY_MS, resolved.reason, "none");
      const { platform, deliverer, target, keys, accountId } = resolved;

      // A paused channel: one message at a time probes it once the pause is over; the rest wait.
      const pause = paused.get(platform);
      if (pause && (pause.probing || clock() < pause.until)) {
        return retry(message, platform, "paused", Math.max(pause.until, clock() + 1000), `paused: ${pause.reason}`, "none");
      }
      if (pause) pause.probing = true;
      try {
        return await send(message, resolved, pause);
      } finally {
        if (pause && paused.get(platform) === pause) pause.probing = false;
      }
    }

    /** What a failed send or preparation leads to. */
    async function afterFailure(message: OutboxMessage, resolved: Extract<Resolved, { kind: "deliver" }>, probe: boolean, err: unknown): Promise<Handled> {
      const { platform, keys, accountId } = resolved;
      const e = err instanceof DeliveryError ? err : new DeliveryError("transient", err instanceof Error ? err.message : String(err));
      if (e.failure !== "config") resumeChannel(platform);
      const at = clock();
      switch (e.failure) {
        case "rate_limited": {
          const wait = Math.min(MAX_RETRY_AFTER_MS, Math.max(1000, e.retryAfterMs ?? 1000));
          // Every key of the send waits (a Teams 429 does not say whether the
          // conversation's or the tenant's limit was hit), for every sender:
          // the limiter is shared through the database.
          await Promise.all(keys.map((k) => limiter.pause(k.key, at + wait)));
          return retryOrGiveUp(message, platform, "rate_limited", wait, `rate_limited: ${e.message}`, "rateLimited");
        }
        case "transient":
          return retryOrGiveUp(message, platform, "transient", backoffMs(message.attempts + 1, random), `transient: ${e.message}`, "attempt");
        case "config":
          pauseChannel(platform, e.message, at, probe);
          return retry(message, platform, "paused", paused.get(platform)!.until, `paused: ${e.message}`, "none");
        case "unreachable":
          forget(message.target);
          if (accountId !== null) await store.people.markUnreachable(accountId, new Date(at));
          return fail(message, platform, "unreachable", `unreachable: ${e.message}`);
        default:
          return fail(message, platform, e.failure, `${e.failure}: ${e.message}`);
      }
    }

    const late = (message: OutboxMessage) => () =>
      log.warn({ outbox: message.id, target: message.target }, "a send that timed out was answered after all; the retry may deliver it twice");

    async function send(message: OutboxMessage, resolved: Extract<Resolved, { kind: "deliver" }>, pause: ChannelPause | undefined): Promise<Handled> {
      const { platform, deliverer, keys } = resolved;
      let target = resolved.target;
      const stepAside = async (turn: { wait: number } | "stopped"): Promise<Handled> => {
        if (turn !== "stopped") return retry(message, platform, "paced", clock() + turn.wait, null, "none");
        await record({ id: message.id, kind: "release" });
        return "released";
      };
      // Opening the conversation first keeps the rate-limited send a single request.
      if (deliverer.prepare) {
        const turn = await pace(resolved.prepareKeys);
        if (!isGo(turn)) return stepAside(turn);
        try {
          target = await withTimeout(deliverer.prepare(target), sendTimeoutMs, late(message));
          if (target !== resolved.target) resolvedTargets.set(message.target, Promise.resolve({ ...resolved, target, prepareKeys: [] }));
        } catch (err) {
          return afterFailure(message, { ...resolved, keys: resolved.prepareKeys.length ? resolved.prepareKeys : keys }, pause !== undefined, err);
        }
      }
      const turn = await takeTurn(keys);
      if (!isGo(turn)) return stepAside(turn);

      let delivered: { ref: string };
      inFlight.add(message.id);
      try {
        // Never start a send that could outlast the lease: renew first if it is short.
        const lease = held.get(message.id);
        if (lease && lease.leaseUntil - clock() < 1.5 * sendTimeoutMs) {
          const until = clock() + leaseMs;
          if ((await writer.exclusive(() => store.outbox.renew([message.id], owner, new Date(until)))) !== 1) return "lost";
          lease.leaseUntil = until;
        }
        delivered = await withTimeout(deliverer.deliver(target, message.payload as AdaptiveCard), sendTimeoutMs, late(message));
      } catch (err) {
        return afterFailure(message, resolved, pause !== undefined, err);
      } finally {
        inFlight.delete(message.id);
        slots.release();
      }
      resumeChannel(platform);
      metrics.outboxSent.inc({ platform, kind: message.kind });
      if (!(await record({ id: message.id, kind: "sent", at: new Date(clock()), ref: delivered.ref }))) {
        log.warn({ outbox: message.id }, "outbox send not recorded as ours (lease lost or database failing); it may go out again");
      }
      return "sent";
    }

    /**
     * One target's messages, one after another; when one goes back to the
     * queue, so do the ones after it. A chain that sent all it held runs dry:
     * its target's next messages are claimed soon (a refill), not when half
     * the hold is free.
     */
    async function runChain(target: string) {
      const queue = chains.get(target)!;
      let last: Handled = "sent";
      while (queue.length) {
        const message = queue[0]!;
        let outcome: Handled;
        try {
          outcome = await handle(message);
        } catch (err) {
          log.error({ err, outbox: message.id }, "outbox delivery failed unexpectedly; the message goes out again when its lease expires");
          outcome = "lost";
        }
        queue.shift();
        last = outcome;
        if (held.delete(message.id)) progressed();
        if (outcome !== "lost" && outcome !== "released") {
          result[outcome]++;
          ctx.out(`#${message.id} ${message.kind} to ${message.target}: ${outcome}`);
        }
        if (outcome === "retried" || outcome === "released" || outcome === "lost") {
          await Promise.all(queue.splice(0).map((m) => record({ id: m.id, kind: "release" })));
        }
      }
      chains.delete(target);
      if (last === "sent" || last === "failed") {
        dry.add(target);
        progressed();
      }
    }

    const renewal = setInterval(() => {
      const ids = [...held.keys()];
      if (ids.length === 0) return;
      const until = clock() + leaseMs;
      void writer
        .exclusive(() => store.outbox.renew(ids, owner, new Date(until)))
        .then(() => {
          for (const id of ids) {
            const h = held.get(id);
            if (h) h.leaseUntil = until;
          }
        })
        .catch((err: unknown) => log.error({ err }, "outbox leases not renewed"));
    }, Math.max(500, Math.round(leaseMs / 4)));

    const adopt = (claimed: OutboxMessage[], at: number) => {
      lookUpPeople(claimed.flatMap((m) => {
        const address = decodeAddress(m.target);
        return address?.kind === "person" && !resolvedTargets.has(m.target) ? [address.personId] : [];
      }));
      for (const message of claimed) {
        held.set(message.id, { message, leaseUntil: at + leaseMs });
        const queue = chains.get(message.target);
        if (queue) queue.push(message);
        else {
          chains.set(message.target, [message]);
          const chain = runChain(message.target);
          running.add(chain);
          void chain.finally(() => running.delete(chain));
        }
      }
    };

    try {
      while (!stopping) {
        if (dry.size > 0 && held.size < maxHeld) {
          // First dry, first refilled, one message each, as many targets as there is room for.
          const refill = [...dry].slice(0, Math.min(REFILL_TARGETS, maxHeld - held.size));
          for (const t of refill) dry.delete(t);
          const at = clock();
          adopt(await writer.exclusive(() => store.outbox.claim({ owner, now: new Date(at), leaseMs, limit: refill.length, refill })), at);
        }
        // The general claim: the queue's next messages in order. When it
        // finds fewer than it asked for, everything due is held, and it looks
        // again after LOOK_AGAIN_MS, not at once: each look is a query over the queue.
        const room = maxHeld - held.size;
        let full = false;
        if (room >= lookRoom && (held.size === 0 || performance.now() >= quietUntil)) {
          const at = clock();
          const limit = Math.min(room, CLAIM_CHUNK);
          const claimed = await writer.exclusive(() => store.outbox.claim({ owner, now: new Date(at), leaseMs, limit }));
          adopt(claimed, at);
          full = claimed.length === limit;
          if (!full) quietUntil = performance.now() + LOOK_AGAIN_MS;
        }
        if (held.size === 0) break;
        if (full && held.size <= maxHeld / 2) continue;
        // Claim again once half the room is free (when more is waiting),
        // REFILL_MS after a chain ran dry (its target's next message, with
        // those of the chains that run dry meanwhile), after LOOK_AGAIN_MS
        // (what fell due: a retry, a message sent letting the next one to its
        // target go), or when all is done.
        await new Promise<void>((resolve) => {
          let timer: NodeJS.Timeout | undefined;
          let deadline = Infinity;
          const done = () => {
            clearTimeout(timer);
            resolve();
          };
          const within = (ms: number) => {
            if (performance.now() + ms >= deadline) return;
            deadline = performance.now() + ms;
            clearTimeout(timer);
            timer = setTimeout(done, Math.max(0, ms));
          };
          progressed = () => {
            if (held.size === 0) return done();
            if (full) {
              if (held.size <= maxHeld / 2) return done();
            } else if (maxHeld - held.size >= lookRoom) within(quietUntil - performance.now());
            if (dry.size > 0 && held.size < maxHeld) within(REFILL_MS);
          };
          progressed();
        });
        progressed = () => {};
      }
      await Promise.all(running);
    } finally {
      clearInterval(renewal);
    }
    await updateGauges(new Date(clock()));
    return result;
  }

  async function updateGauges(now: Date) {
    const { pending, oldestCreatedAt } = await store.outbox.pendingStats();
    metrics.outboxQueued.set(pending);
    metrics.outboxOldestPendingAge.set(oldestCreatedAt ? Math.max(0, (now.getTime() - oldestCreatedAt.getTime()) / 1000) : 0);
  }

  /** One drain at a time per process: a second call waits for the first. */
  let current: Promise<unknown> = Promise.resolve();

  return {
    owner,
    sendTimeoutMs,
    /**
     * Sends everything due at `now` (and what falls due while it runs) until
     * nothing due is left (or stop() was called).
     */
    drain(now: Date, ctx: Pick<JobContext, "dryRun" | "out"> = { dryRun: false, out: () => {} }): Promise<DrainResult> {
      if (ctx.dryRun) {
        return store.outbox.due(now, 500).then((due) => {
          for (const m of due) ctx.out(`would deliver #${m.id} ${m.kind} to ${m.target}`);
          return { sent: 0, retried: 0, failed: 0 };
        });
      }
      const called = performance.now();
      const run = current.then(() => drainOnce(now, called, ctx));
      current = run.catch(() => {});
      return run;
    },
    /** Graceful shutdown: sends in flight finish (each within its timeout), nothing new starts, the rest is given back. */
    stop() {
      stopping = true;
    },
    /**
     * Gives back claims not being sent (shutdown after a timeout). A send in
     * flight keeps its lease: it may still complete, and released it could be
     * sent again by another worker.
     */
    release: () => store.outbox.release(owner, [...held.keys()].filter((id) => !inFlight.has(id))),
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
