// OpenID Connect sign-in (authorization code with PKCE) with openid-client,
// against Microsoft Entra ID, Sign in with Slack, or any provider.
import * as client from "openid-client";

/** Where the provider sends the person back, under PUBLIC_URL (registered with the provider, and in manifest/slack). */
export const CALLBACK_PATH = "/auth/callback";
/** What sign-in asks the provider for: the verified e-mail address and the name. */
export const OIDC_SCOPE = "openid email profile";

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** PUBLIC_URL/auth/callback, registered with the provider. */
  redirectUri: string;
}

export interface SignInStart {
  url: string;
  state: string;
  nonce: string;
  verifier: string;
}

export interface VerifiedIdentity {
  email: string;
  name: string;
}

export class SignInError extends Error {}

function isLoopback(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

/**
 * Whether the provider vouches for the e-mail address: `email_verified`
 * (OpenID Connect, Slack), or Entra ID's `xms_edov` (the domain is verified
 * by the tenant; an optional claim to add in the app registration).
 */
export function verifiedEmail(claims: Record<string, unknown>): string | null {
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!email.includes("@")) return null;
  return claims.email_verified === true || claims.xms_edov === true || claims.xms_edov === "1" ? email : null;
}

export function createOidc(settings: OidcSettings) {
  let discovered: Promise<client.Configuration> | undefined;

  function configuration(): Promise<client.Configuration> {
    const issuer = new URL(settings.issuer);
    discovered ??= client
      .discovery(
        issuer,
        settings.clientId,
        undefined,
        client.ClientSecretPost(settings.clientSecret),
        // Plain http only for a provider on this machine (tests, a local provider).
        isLoopback(issuer) && issuer.protocol === "http:" ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((err: unknown) => {
        discovered = undefined; // try again on the next sign-in
        throw err;
      });
    return discovered;
  }

  return {
    async start(): Promise<SignInStart> {
      const config = await configuration();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: OIDC_SCOPE,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        state,
        nonce,
      });
      return { url: url.href, state, nonce, verifier };
    },

    /** Exchanges the code from the callback URL; the identity when the provider verified the e-mail. */
    async finish(callbackUrl: URL, expected: { state: string; nonce: string; verifier: string }): Promise<VerifiedIdentity> {
      const config = await configuration();
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: expected.verifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
      let claims = (tokens.claims() ?? {}) as Record<string, unknown>;
      // Providers that keep the ID token small (the OpenID Connect default for the code flow) give e-mail at userinfo.
      if (typeof claims.email !== "string" && typeof claims.sub === "string") {
        claims = { ...claims, ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)) };
      }
      const email = verifiedEmail(claims);
      if (!email) throw new SignInError("the provider did not give a verified e-mail address");
      const name = typeof claims.name === "string" && claims.name.trim() ? claims.name.trim() : email;
      return { email, name };
    },
  };
}
export type Oidc = ReturnType<typeof createOidc>;
