// Teams single sign-on for the personal tab: the page gets an Entra ID token
// from Teams (`authentication.getAuthToken`) and posts it here; we check it with
// jose against the tenant's signing keys (from OIDC_ISSUER's discovery document),
// its issuer and its audience (our app registration).
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { verifiedEmail, type VerifiedIdentity } from "./oidc.ts";

export class TeamsTokenError extends Error {}

export interface TeamsSsoSettings {
  /** The tenant's issuer, e.g. https://login.microsoftonline.com/<tenant id>/v2.0 (OIDC_ISSUER). */
  issuer: string;
  /** OIDC_CLIENT_ID, and the Application ID URI Teams asks tokens for: api://<PUBLIC_URL host>/<client id>. */
  audiences: string[];
}

/** Entra ID names the account's sign-in name (a verified domain of the tenant) preferred_username; e-mail when the optional claim is on. */
function identityOf(claims: JWTPayload): VerifiedIdentity {
  const email =
    verifiedEmail(claims as Record<string, unknown>) ??
    (typeof claims.preferred_username === "string" && claims.preferred_username.includes("@") ? claims.preferred_username.toLowerCase() : null);
  if (!email) throw new TeamsTokenError("the token names no e-mail address");
  return { email, name: typeof claims.name === "string" && claims.name.trim() ? claims.name.trim() : email };
}

export function createTeamsSso(settings: TeamsSsoSettings) {
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  function keySet() {
    keys ??= fetch(`${settings.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`)
      .then(async (res) => {
        if (!res.ok) throw new Error(`discovery answered ${res.status}`);
        const { jwks_uri } = (await res.json()) as { jwks_uri?: string };
        if (!jwks_uri) throw new Error("discovery has no jwks_uri");
        return createRemoteJWKSet(new URL(jwks_uri));
      })
      .catch((err: unknown) => {
        keys = undefined;
        throw err;
      });
    return keys;
  }

  return {
    async verify(token: string): Promise<VerifiedIdentity> {
      const jwks = await keySet();
      try {
        const { payload } = await jwtVerify(token, jwks, { issuer: settings.issuer, audience: settings.audiences, algorithms: ["RS256"] });
        return identityOf(payload);
      } catch (err) {
        if (err instanceof TeamsTokenError) throw err;
        throw new TeamsTokenError((err as Error).message);
      }
    },
  };
}
export type TeamsSso = ReturnType<typeof createTeamsSso>;
