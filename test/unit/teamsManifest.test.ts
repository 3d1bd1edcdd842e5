// The Teams app manifest, validated offline against Microsoft's own JSON
// schema (shipped in @microsoft/app-manifest), its icons, and the app package.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import AjvDraft04 from "ajv-draft-04";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { normalise } from "../../src/bots/core/intents.ts";
import { createHelpFeature } from "../../src/bots/core/features/help.ts";
import { createNeedsFeature } from "../../src/bots/core/features/needs.ts";
import { createStatusFeature } from "../../src/bots/core/features/status.ts";
import { createTriageFeature } from "../../src/bots/core/features/triage.ts";
import { buildTeamsPackage } from "../../scripts/packageTeams.ts";

const require = createRequire(import.meta.url);
// A CommonJS module: under NodeNext its class is the default export's `default`.
const Ajv = AjvDraft04.default;
const DIR = path.resolve(import.meta.dirname, "../../manifest/teams");
const manifest = JSON.parse(readFileSync(path.join(DIR, "manifest.json"), "utf8"));
const version = manifest.manifestVersion as string;

function pngSize(file: string): { width: number; height: number; colourType: number } {
  const png = readFileSync(path.join(DIR, file));
  expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), colourType: png[25] };
}

/** Microsoft's JSON schema of a manifest version, compiled (draft-04). */
function manifestValidator(manifestVersion: string) {
  const schemaDir = path.dirname(require.resolve("@microsoft/app-manifest/package.json"));
  const schema = JSON.parse(readFileSync(path.join(schemaDir, `build/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.schema.json`), "utf8"));
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat("uri", (value: string) => URL.canParse(value));
  return ajv.compile(schema);
}

describe("Teams manifest", () => {
  it("is valid against the official schema of its version", () => {
    const validate = manifestValidator(version);
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(manifest.$schema).toContain(`/v${version}/`);
  });

  it("uses the newest schema shipped with @microsoft/app-manifest", async () => {
    const { readdirSync } = await import("node:fs");
    const schemaDir = path.join(path.dirname(require.resolve("@microsoft/app-manifest/package.json")), "build/json-schemas/teams");
    const versions = readdirSync(schemaDir).filter((v) => /^v\d+\.\d+$/.test(v)).map((v) => v.slice(1));
    const newest = versions.sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1])).at(-1);
    expect(version).toBe(newest);
  });

  it("has a 192×192 colour icon and a 32×32 outline icon", () => {
    expect(pngSize(manifest.icons.color)).toMatchObject({ width: 192, height: 192 });
    expect(pngSize(manifest.icons.outline)).toMatchObject({ width: 32, height: 32, colourType: 6 });
  });

  it("lists the intents of DESIGN.md in Swedish and English (at most 10 per list), each a real intent", () => {
    const deps = { needs: {} as never, departments: async () => [] };
    const intents = [
      ...createNeedsFeature(deps).intents!,
      ...createHelpFeature().intents!,
      ...createStatusFeature({} as never).intents!,
      ...createTriageFeature({} as never).intents!,
    ];
    const expected = ["nytt behov", "new need", "mina behov", "my needs", "status", "triage", "sammanfattning", "digest", "hjälp", "help"];
    for (const list of manifest.bots[0].commandLists) {
      const titles: string[] = list.commands.map((c: { title: string }) => normalise(c.title));
      expect(titles.length).toBeLessThanOrEqual(10);
      expect([...titles].sort()).toEqual([...expected].sort());
      for (const title of titles) expect(intents.some((i) => i.phrases.map(normalise).includes(title)), title).toBe(true);
    }
  });

  it("packages the manifest with the bot's app id and both icons", async () => {
    const appId = "11111111-2222-3333-4444-555555555555";
    const zip = await JSZip.loadAsync(await buildTeamsPackage(appId));
    expect(Object.keys(zip.files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const packaged = JSON.parse(await zip.file("manifest.json")!.async("string"));
    expect(packaged.bots[0].botId).toBe(appId);
    expect(packaged.id).toBe(manifest.id);
    await expect(buildTeamsPackage("not-a-guid")).rejects.toThrow("MicrosoftAppId");
  });

  it("packages the Portfolio tab with Teams SSO for PUBLIC_URL and the sign-in app, and the message action for the bot", async () => {
    const appId = "11111111-2222-3333-4444-555555555555";
    const clientId = "66666666-7777-8888-9999-000000000000";
    const zip = await JSZip.loadAsync(await buildTeamsPackage(appId, { publicUrl: "https://samordna.stockholm.example", clientId }));
    const packaged = JSON.parse(await zip.file("manifest.json")!.async("string"));
    expect(packaged.staticTabs[0]).toMatchObject({ name: "Portfolio", contentUrl: "https://samordna.stockholm.example/teams/tab?lang={locale}", scopes: ["personal"] });
    expect(packaged.webApplicationInfo).toEqual({ id: clientId, resource: `api://samordna.stockholm.example/${clientId}` });
    expect(packaged.validDomains).toEqual(["samordna.stockholm.example"]);
    expect(packaged.composeExtensions[0]).toMatchObject({ botId: appId, commands: [{ id: "reportNeed", type: "action", context: ["message"], fetchTask: true }] });
    const validate = manifestValidator(packaged.manifestVersion);
    expect(validate(packaged), JSON.stringify(validate.errors)).toBe(true);
    // Without a public address there is no tab to point at.
    const bare = JSON.parse(await (await JSZip.loadAsync(await buildTeamsPackage(appId))).file("manifest.json")!.async("string"));
    expect(bare.staticTabs).toBeUndefined();
    expect(bare.composeExtensions[0].botId).toBe(appId);
  });
});
