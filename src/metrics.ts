// Prometheus metrics, one registry per app instance (tests start several).
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

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
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
