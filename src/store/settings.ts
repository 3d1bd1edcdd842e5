// Settings people change at run time (digest cadence, triage target, reminder
// rules, coordinator channels), stored as JSON values by key. Keys, schemas
// and defaults are the registry's (src/domain/settings.ts): a read returns
// the setting's type, a write is checked, an unknown key is an error.
import { parseSetting, settingOf, SettingError, type FamilyKey, type SettingInput, type SettingKey, type SettingValue } from "../domain/settings.ts";
import { cached, type ReadCache } from "./cache.ts";
import type { Tx } from "./client.ts";

export function createSettingsRepository(db: Tx, cache: ReadCache) {
  async function write(key: string, value: unknown): Promise<void> {
    const json = JSON.stringify(parseSetting(key, value));
    await db.setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
    cache.invalidate();
  }

  return {
    /** The stored value, or the setting's default; a stored value its schema refuses is an error naming the key. */
    async get<K extends SettingKey | FamilyKey>(key: K): Promise<SettingValue<K>> {
      const setting = settingOf(key);
      // Cached (src/store/cache.ts) as the stored text: parsed on every call, so callers may change what they get.
      const value = await cached(cache, "settings", key, async () => (await db.setting.findUnique({ where: { key } }))?.value ?? null);
      if (value === null) return setting.default as SettingValue<K>;
      let stored: unknown;
      try {
        stored = JSON.parse(value);
      } catch {
        throw new SettingError(`setting "${key}": the stored value is not JSON`);
      }
      return parseSetting(key, stored) as SettingValue<K>;
    },
    async set<K extends SettingKey | FamilyKey>(key: K, value: SettingInput<K>): Promise<void> {
      await write(key, value);
    },
    /** A value whose type is only known at run time (the organisation file's settings): checked by the key's schema all the same. */
    async setUnknown(key: SettingKey, value: unknown): Promise<void> {
      await write(key, value);
    },
  };
}
export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
