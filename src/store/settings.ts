// Settings people change at run time (digest cadence, triage target, reminder
// rules, coordinator channels), stored as JSON values by key.
import { cached, type ReadCache } from "./cache.ts";
import type { Tx } from "./client.ts";

export function createSettingsRepository(db: Tx, cache: ReadCache) {
  return {
    /** Cached (src/store/cache.ts); parsed on every call, so callers may change what they get. */
    async get<T>(key: string, fallback: T): Promise<T> {
      const json = await cached(cache, "settings", key, async () => (await db.setting.findUnique({ where: { key } }))?.value ?? null);
      return json === null ? fallback : (JSON.parse(json) as T);
    },
    async set(key: string, value: unknown): Promise<void> {
      const json = JSON.stringify(value);
      await db.setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
      cache.invalidate();
    },
    async all(): Promise<Record<string, unknown>> {
      const rows = await db.setting.findMany({ orderBy: { key: "asc" } });
      return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
    },
  };
}
export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
