// Builds the Teams app package (a zip of manifest.json and the two icons) with
// the bot's MicrosoftAppId filled in: `npm run package:teams` → dist/samordna-teams.zip.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import JSZip from "jszip";
import { ConfigError, loadConfig } from "../src/config.ts";

const MANIFEST_DIR = path.resolve(import.meta.dirname, "../manifest/teams");
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

export async function buildTeamsPackage(appId: string): Promise<Buffer> {
  if (!GUID.test(appId)) throw new ConfigError(`MicrosoftAppId must be the bot's Microsoft App ID (a GUID), got "${appId}"`);
  const manifest = JSON.parse(readFileSync(path.join(MANIFEST_DIR, "manifest.json"), "utf8"));
  for (const bot of manifest.bots) bot.botId = appId;
  const zip = new JSZip();
  zip.file("manifest.json", JSON.stringify(manifest, null, 2));
  for (const icon of Object.values(manifest.icons) as string[]) zip.file(icon, readFileSync(path.join(MANIFEST_DIR, icon)));
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

async function main() {
  const appId = loadConfig().teams?.appId;
  if (!appId) throw new ConfigError("MicrosoftAppId: required to package the Teams app (set it in the environment or .env)");
  const out = path.resolve(import.meta.dirname, "../dist/samordna-teams.zip");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, await buildTeamsPackage(appId));
  console.log(`wrote ${path.relative(process.cwd(), out)}: upload it in Teams (Apps → Manage your apps → Upload an app)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
