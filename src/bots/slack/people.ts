// A Slack user becomes a Person on first contact (users.info for name,
// e-mail and locale); the same e-mail on Teams is the same person.
import type { webApi } from "@slack/bolt";
import type { Locale, Person } from "../../domain/types.ts";
import type { Store } from "../../store/index.ts";
import type { AccountIdentity } from "../../store/people.ts";

export interface SlackUser {
  teamId: string;
  userId: string;
}

export function slackLocale(locale: unknown): Locale | undefined {
  if (typeof locale !== "string" || !locale) return undefined;
  return locale.toLowerCase().startsWith("sv") ? "sv" : "en";
}

export async function personFor(
  deps: { store: Store; client: webApi.WebClient; defaultLocale: Locale },
  user: SlackUser,
  dmChannel?: string,
): Promise<Person> {
  const { store, client } = deps;
  const known = await store.people.accountPerson("slack", user.teamId, user.userId);
  if (known) {
    if (dmChannel && known.account.conversationRef !== dmChannel) await store.people.setConversationRef(known.account.id, dmChannel);
    return known.person;
  }
  const info = await client.users.info({ user: user.userId, include_locale: true });
  const u = info.user;
  const profile = u?.profile;
  const displayName = profile?.real_name || profile?.display_name || u?.real_name || u?.name || user.userId;
  const identity: AccountIdentity = {
    platform: "slack",
    tenantId: user.teamId,
    userId: user.userId,
    displayName,
    email: profile?.email ?? null,
    locale: slackLocale(u?.locale),
    conversationRef: dmChannel ?? null,
  };
  try {
    return await store.people.ensureFromAccount(identity, { locale: deps.defaultLocale });
  } catch (err) {
    // Two first requests at once (a double click, two replicas): the other one created the account.
    const created = await store.people.account("slack", user.teamId, user.userId);
    const person = created ? await store.people.byId(created.personId) : null;
    if (person) return person;
    throw err;
  }
}

/** The person's DM channel with the bot, opened once and kept as the account's conversation ref. */
export async function dmChannelOf(deps: { store: Store; client: webApi.WebClient }, user: SlackUser): Promise<string> {
  const account = (await deps.store.people.accountPerson("slack", user.teamId, user.userId))?.account;
  if (account?.conversationRef) return account.conversationRef;
  const opened = await deps.client.conversations.open({ users: user.userId });
  const channel = opened.channel?.id;
  if (!channel) throw new Error("conversations.open returned no channel");
  if (account) await deps.store.people.setConversationRef(account.id, channel);
  return channel;
}
