// Who is writing: the Person behind a Teams user, created on first contact.
// E-mail and locale come from the member roster when the connector answers
// (the e-mail links the same person on other platforms), else the activity's locale.
import { TeamsInfo, type TurnContext } from "botbuilder";
import type { Locale, Person } from "../../domain/types.ts";
import type { Logger } from "../../log.ts";
import type { Store } from "../../store/index.ts";
import { conversationReference, isPersonal, tenantOf, userReference } from "./references.ts";

export function localeFrom(tag: unknown, fallback: Locale): Locale {
  if (typeof tag !== "string") return fallback;
  const lower = tag.toLowerCase();
  if (lower.startsWith("sv")) return "sv";
  if (lower.startsWith("en")) return "en";
  return fallback;
}

/** The Teams identity of the sender: AAD object id within the tenant (the bot-specific `29:` id when Teams sends none). */
export function accountKey(context: TurnContext): { tenantId: string; userId: string } {
  const { from } = context.activity;
  return { tenantId: tenantOf(context.activity), userId: from.aadObjectId || from.id };
}

async function rosterEntry(context: TurnContext, log: Logger): Promise<{ name?: string; email?: string; locale?: unknown } | null> {
  try {
    const member = await TeamsInfo.getMember(context, context.activity.from.id);
    const email = member.email || (member.userPrincipalName?.includes("@") ? member.userPrincipalName : undefined);
    return { name: member.name, email, locale: (member as { locale?: unknown }).locale };
  } catch (err) {
    log.debug({ err: (err as Error).message }, "teams roster lookup failed; using the activity");
    return null;
  }
}

export interface Identified {
  person: Person;
  accountId: number;
  firstContact: boolean;
}

export async function identify(context: TurnContext, deps: { store: Store; log: Logger; defaultLocale: Locale }): Promise<Identified> {
  const { store, log } = deps;
  const { activity } = context;
  const key = accountKey(context);
  const known = await store.people.accountPerson("teams", key.tenantId, key.userId);
  const existing = known?.account ?? null;
  // A 1:1 chat is where proactive messages go; a channel only tells who the person is.
  const personal = isPersonal(activity);
  const ref = personal ? conversationReference(activity) : !existing?.conversationRef ? userReference(activity) : undefined;
  // The usual case: someone known, writing from where they wrote before. Nothing to store.
  if (known && (!ref || JSON.stringify(ref) === known.account.conversationRef) && !(known.account.unreachableAt && personal)) {
    return { person: known.person, accountId: known.account.id, firstContact: false };
  }
  const roster = existing ? null : await rosterEntry(context, log);
  const identity = {
    platform: "teams" as const,
    ...key,
    // Install events may come without a name; the roster has it.
    displayName: (activity.from.name?.trim() || roster?.name?.trim() || key.userId).slice(0, 200),
    email: roster?.email ?? null,
    locale: localeFrom(roster?.locale ?? activity.locale, deps.defaultLocale),
    conversationRef: ref ? JSON.stringify(ref) : undefined,
  };
  const ensure = () => store.transaction((tx) => tx.people.ensureFromAccount(identity, { locale: deps.defaultLocale }));
  // Two first activities at once race to create the account: the loser finds it on the second try.
  const person = await ensure().catch(() => ensure());
  // A person who removed the app and writes again is reachable again.
  if (existing?.unreachableAt && personal && ref) await store.people.setConversationRef(existing.id, JSON.stringify(ref));
  const account = existing ?? (await store.people.account("teams", key.tenantId, key.userId));
  return { person, accountId: account!.id, firstContact: !existing };
}
