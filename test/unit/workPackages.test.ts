// Who is told what about a work-package change: one message per person, the
// first reason that concerns them; a deactivated work package tells nobody here.
import { describe, expect, it } from "vitest";
import type { WorkPackage } from "../../src/domain/types.ts";
import { changedFields, notices } from "../../src/domain/workPackages.ts";

const wp: WorkPackage = { id: 1, code: "WP1", name: "Styrning", description: "", leadId: 1, deputyId: 2, cadence: "0 9 * * 1", timezone: "Europe/Stockholm", active: true, pingsPaused: false };

describe("work-package notices", () => {
  it("tells the new and the old lead, and the deputy about the cadence", () => {
    expect(notices(wp, { ...wp, leadId: 3, cadence: "0 10 * * 2" })).toEqual([
      { personId: 3, key: "admin.notify.leadNow" },
      { personId: 1, key: "admin.notify.leadNoMore" },
      { personId: 2, key: "admin.notify.cadence" },
    ]);
  });

  it("tells a person once, for the first reason: a deputy who becomes lead hears that", () => {
    expect(notices(wp, { ...wp, leadId: 2, deputyId: 1 })).toEqual([
      { personId: 2, key: "admin.notify.leadNow" },
      { personId: 1, key: "admin.notify.leadNoMore" },
    ]);
  });

  it("tells lead and deputy about a pause, and nobody about a deactivation", () => {
    expect(notices(wp, { ...wp, pingsPaused: true })).toEqual([
      { personId: 1, key: "admin.notify.paused" },
      { personId: 2, key: "admin.notify.paused" },
    ]);
    expect(notices(wp, { ...wp, active: false, leadId: null })).toEqual([]);
    expect(notices(wp, { ...wp, name: "Other name" })).toEqual([]);
  });

  it("names the fields a change touched", () => {
    expect(changedFields(wp, { ...wp, deputyId: null, description: "x" })).toEqual(["deputyId"]);
    expect(changedFields(wp, wp)).toEqual([]);
  });
});
