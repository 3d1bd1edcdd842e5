// Settings people change at run time (digest cadence, triage target, reminder
// rules, coordinator channels), stored as JSON values by key.
import type { Tx } from "./client.ts";

export function createSettingsRepository(db: Tx) {
  return {
    async get<T>(key: string, fallback: T): Promise<T> {
      const row = await db.setting.findUnique({ where: { key } });
      return row ? (JSON.parse(row.value) as T) : fallback;
    },
    async set(key: string, value: unknown): Promise<void> {
      const json = JSON.stringify(value);
      await db.setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
    },
    async all(): Promise<Record<string, unknown>> {
      const rows = await db.setting.findMany({ orderBy: { key: "asc" } });
      return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
    },
  };
}
export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
