// The settings registry through the store: typed reads with defaults, checked
// writes, and errors for an unknown key or a value its schema refuses.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { orgFileSchema } from "../../src/domain/orgFile.ts";
import { ORG_FILE_SETTINGS, SETTINGS, SettingError } from "../../src/domain/settings.ts";
import { createTestDb, type TestDb } from "../helpers/db.ts";

let db: TestDb;
beforeEach(async () => {
  db = await createTestDb({ seed: false });
});
afterEach(async () => {
  await db.cleanup();
});

describe("settings", () => {
  it("reads the registry's default until a value is stored, then the value", async () => {
    expect(await db.store.settings.get("statusPings.maxReminders")).toBe(SETTINGS["statusPings.maxReminders"].default);
    await db.store.settings.set("statusPings.maxReminders", 0);
    expect(await db.store.settings.get("statusPings.maxReminders")).toBe(0);
  });

  it("refuses an unknown key on read and write", async () => {
    // @ts-expect-error: not a setting
    await expect(db.store.settings.get("reminders.max")).rejects.toThrow(SettingError);
    // @ts-expect-error: not a setting
    await expect(db.store.settings.set("reminders.max", 3)).rejects.toThrow('unknown setting "reminders.max"');
    // A family's prefix alone names no instance.
    await expect(db.store.settings.get("teams.channel:")).rejects.toThrow(SettingError);
    expect(await db.store.db.setting.count()).toBe(0);
  });

  it("refuses a value its schema refuses, and stores nothing", async () => {
    await expect(db.store.settings.set("statusPings.dueWorkingDays", 0)).rejects.toThrow(/statusPings.dueWorkingDays/);
    await expect(db.store.settings.setUnknown("triage.targetWorkingDays", "ten")).rejects.toThrow(SettingError);
    expect(await db.store.db.setting.count()).toBe(0);
  });

  it("names the key of a stored value that no longer fits its schema", async () => {
    await db.store.db.setting.create({ data: { key: "statusPings.maxReminders", value: "99" } });
    await expect(db.store.settings.get("statusPings.maxReminders")).rejects.toThrow(/statusPings.maxReminders/);
  });

  it("keeps one Teams channel reference per channel id", async () => {
    expect(await db.store.settings.get("teams.channel:19:abc@thread.tacv2")).toBeNull();
    await db.store.settings.set("teams.channel:19:abc@thread.tacv2", { serviceUrl: "https://smba.example/" });
    expect(await db.store.settings.get("teams.channel:19:abc@thread.tacv2")).toEqual({ serviceUrl: "https://smba.example/" });
  });

  it("every organisation-file path in the registry is a field of the file's schema", () => {
    const shape = orgFileSchema.shape as Record<string, unknown>;
    for (const { path } of ORG_FILE_SETTINGS) {
      const [section, field] = path.split(".");
      const inner = shape[section] as { unwrap(): { shape: Record<string, unknown> } };
      expect(inner, path).toBeDefined();
      expect(Object.keys(inner.unwrap().shape), path).toContain(field);
    }
  });
});
