// The Teams personal tab signs in with the Entra ID token Teams gives the page:
// checked with jose against the tenant's keys (a local key set standing in
// for the tenant), its issuer and audience.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { textOf, webSession } from "../helpers/webSession.ts";

const CLIENT_ID = "11111111-2222-3333-4444-555555555555";
const AUDIENCE = `api://samordna.example.org/${CLIENT_ID}`;
let server: TestServer;
let tenant: http.Server;
let issuer: string;
let key: CryptoKey;
let otherKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  key = pair.privateKey;
  otherKey = (await generateKeyPair("RS256")).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "tenant-key", alg: "RS256", use: "sig" };
  tenant = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url?.endsWith("/.well-known/openid-configuration")) res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
    else if (req.url?.endsWith("/keys")) res.end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end("{}");
  });
  await new Promise<void>((resolve) => tenant.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(tenant.address() as AddressInfo).port}/tenant-id/v2.0`;
  server = await startTestServer({
    NODE_ENV: "production",
    SEED: "true",
    MicrosoftAppId: "00000000-0000-0000-0000-000000000001",
    MicrosoftAppPassword: "not-used-here",
    PUBLIC_URL: "https://samordna.example.org",
    SESSION_SECRET: "a-session-secret-of-at-least-32-characters",
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: CLIENT_ID,
    OIDC_CLIENT_SECRET: "secret",
  });
});
afterAll(async () => {
  await server?.cleanup();
  await new Promise((resolve) => tenant?.close(resolve));
});

function token(claims: { iss?: string; aud?: string; exp?: string } = {}, signWith: CryptoKey = key) {
  return new SignJWT({ preferred_username: "Peter.Holm@stockholm.example", name: "Peter Holm", tid: "tenant-id" })
    .setProtectedHeader({ alg: "RS256", kid: "tenant-key" })
    .setIssuer(claims.iss ?? issuer)
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? "1h")
    .sign(signWith);
}

async function exchange(jwt: string) {
  return fetch(`${server.url}/auth/teams`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: jwt }) });
}

describe("Teams personal tab", () => {
  it("serves the tab page with teams-js, which signs in with the Teams token", async () => {
    const page = await fetch(`${server.url}/teams/tab?lang=en-GB`);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('<script src="/teams/teams-js.js"></script>');
    expect(textOf(body)).toContain("Signing you in with your Teams account");
    expect((await fetch(`${server.url}/teams/teams-js.js`)).status).toBe(200);
  });

  it("accepts a token from the tenant for our app, and the session opens the portfolio", async () => {
    const res = await exchange(await token());
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie()[0]!;
    // Inside Teams' frame: a third-party cookie.
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=None/);
    const web = webSession();
    web.cookies(server.url).set("samordna_session", cookie.split(";")[0]!.split("=")[1]!);
    expect(textOf((await web.get(`${server.url}/portfolio`)).body)).toContain("Signed in as Peter Holm");
  });

  it("refuses a token for another audience, from another issuer, signed with another key, or expired", async () => {
    const refused = [
      await token({ aud: "api://other.example/00000000-0000-0000-0000-000000000000" }),
      await token({ iss: "https://login.microsoftonline.com/another-tenant/v2.0" }),
      await token({}, otherKey),
      await token({ exp: "-1m" }),
      "not-a-token",
    ];
    for (const jwt of refused) {
      const res = await exchange(jwt);
      expect(res.status).toBe(401);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    expect((await fetch(`${server.url}/auth/teams`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(400);
  });
});
