// A real OpenID provider (oidc-provider) on loopback, standing in for Entra ID
// or Slack: its development login page takes any login; the account's e-mail is
// the login (with @example.org added when it has none), verified unless the
// login starts with "unverified".
import http from "node:http";
import Provider from "oidc-provider";
import { freePort } from "./net.ts";

export { freePort } from "./net.ts";

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

export async function startOidcProvider(redirectUri: string): Promise<TestOidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "samordna-test";
  const clientSecret = "a-client-secret-for-the-loopback-provider";
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    pkce: { required: () => true },
    cookies: { keys: ["loopback-provider-cookie-key"] },
    async findAccount(_ctx, id) {
      const email = id.includes("@") ? id.replace(/^unverified[.-]?/, "") : `${id}@example.org`;
      const name = email.split("@")[0].split(".").map((w) => w[0]?.toUpperCase() + w.slice(1)).join(" ");
      return {
        accountId: id,
        claims: async () => ({ sub: id, email, email_verified: !id.startsWith("unverified"), name }),
      };
    },
  });
  // No proxy in front; the provider warns about plain http on loopback, which is what we want here.
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The environment of a production server that signs in with `provider`, at `publicUrl` (its own loopback address). */
export function signInEnv(provider: TestOidcProvider, publicUrl: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    SEED: "true",
    HOST: "127.0.0.1",
    PORT: new URL(publicUrl).port,
    MicrosoftAppId: "00000000-0000-0000-0000-000000000001",
    MicrosoftAppPassword: "not-used-here",
    PUBLIC_URL: publicUrl,
    SESSION_SECRET: "a-session-secret-of-at-least-32-characters",
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
  };
}
