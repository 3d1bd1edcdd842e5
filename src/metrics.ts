// Prometheus metrics, one registry per app instance (tests start several).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    turns: new Counter({
      name: "samordna_turns_total",
      help: "Messages and card actions handled, by platform and kind",
      labelNames: ["platform", "kind"] as const,
      registers: [registry],
    }),
    turnDuration: new Histogram({
      name: "samordna_turn_duration_seconds",
      help: "Time from receiving a turn to having its reply",
      labelNames: ["platform"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    outboxQueued: new Gauge({
      name: "samordna_outbox_pending_messages",
      help: "Proactive messages queued in the outbox and not yet sent or failed",
      registers: [registry],
    }),
    outboxOldestPendingAge: new Gauge({
      name: "samordna_outbox_oldest_pending_age_seconds",
      help: "Age of the oldest message still pending in the outbox",
      registers: [registry],
    }),
    outboxSent: new Counter({
      name: "samordna_outbox_sent_total",
      help: "Proactive messages delivered, by platform and kind",
      labelNames: ["platform", "kind"] as const,
      registers: [registry],
    }),
    outboxRetried: new Counter({
      name: "samordna_outbox_retried_total",
      help: "Deliveries postponed for a retry, by platform and reason (rate_limited, transient, no_deliverer)",
      labelNames: ["platform", "reason"] as const,
      registers: [registry],
    }),
    outboxFailed: new Counter({
      name: "samordna_outbox_failed_total",
      help: "Proactive messages given up on, by platform and reason",
      labelNames: ["platform", "reason"] as const,
      registers: [registry],
    }),
    outboxTurnLateness: new Histogram({
      name: "samordna_outbox_turn_lateness_seconds",
      help: "How long after its rate-limited turn a send had a slot to start in (over 0.045 s its turn moves or it takes a new one)",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.045, 0.1, 0.25, 1],
      registers: [registry],
    }),
    outboxChannelPaused: new Gauge({
      name: "samordna_outbox_channel_paused",
      help: "1 while a channel's delivery is paused by a configuration error (expired secret, revoked token), by platform",
      labelNames: ["platform"] as const,
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: "samordna_job_runs_total",
      help: "Scheduled job runs, by job and outcome",
      labelNames: ["job", "outcome"] as const,
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
