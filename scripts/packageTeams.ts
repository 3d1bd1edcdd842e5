// Builds the Teams app package (a zip of manifest.json and the two icons) with
// the bot's MicrosoftAppId filled in: `npm run package:teams` → dist/samordna-teams.zip.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import JSZip from "jszip";
import { ConfigError, loadConfig } from "../src/config.ts";

const MANIFEST_DIR = path.resolve(import.meta.dirname, "../manifest/teams");
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

/** The placeholder host of the portfolio tab in manifest.json, replaced by PUBLIC_URL's. */
const PLACEHOLDER_HOST = "samordna.example";

/**
 * `portfolio`: PUBLIC_URL and the sign-in app registration (OIDC_CLIENT_ID) for
 * the personal tab and its Teams SSO; without them the package has no tab.
 */
export async function buildTeamsPackage(appId: string, portfolio: { publicUrl?: string; clientId?: string } = {}): Promise<Buffer> {
  if (!GUID.test(appId)) throw new ConfigError(`MicrosoftAppId must be the bot's Microsoft App ID (a GUID), got "${appId}"`);
  let text = readFileSync(path.join(MANIFEST_DIR, "manifest.json"), "utf8");
  const host = portfolio.publicUrl ? new URL(portfolio.publicUrl).host : undefined;
  if (host) text = text.replaceAll(PLACEHOLDER_HOST, host);
  const manifest = JSON.parse(text);
  for (const bot of manifest.bots) bot.botId = appId;
  for (const extension of manifest.composeExtensions ?? []) extension.botId = appId;
  if (host && portfolio.clientId && GUID.test(portfolio.clientId)) {
    manifest.webApplicationInfo = { id: portfolio.clientId, resource: `api://${host}/${portfolio.clientId}` };
  } else {
    delete manifest.staticTabs;
    delete manifest.webApplicationInfo;
    manifest.validDomains = [];
  }
  const zip = new JSZip();
  zip.file("manifest.json", JSON.stringify(manifest, null, 2));
  for (const icon of Object.values(manifest.icons) as string[]) zip.file(icon, readFileSync(path.join(MANIFEST_DIR, icon)));
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

async function main() {
  const config = loadConfig();
  const appId = config.teams?.appId;
  if (!appId) throw new ConfigError("MicrosoftAppId: required to package the Teams app (set it in the environment or .env)");
  if (!config.portfolio.publicUrl || !config.portfolio.oidc) console.warn("PUBLIC_URL and OIDC_CLIENT_ID unset: the package has no Portfolio tab");
  const out = path.resolve(import.meta.dirname, "../dist/samordna-teams.zip");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, await buildTeamsPackage(appId, { publicUrl: config.portfolio.publicUrl, clientId: config.portfolio.oidc?.clientId }));
  console.log(`wrote ${path.relative(process.cwd(), out)}: upload it in Teams (Apps → Manage your apps → Upload an app)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
