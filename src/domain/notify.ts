// Telling a person about a change in chat: a notification written to the
// outbox in the caller's transaction. The card is rendered by an injected
// function so the domain stays free of card layout.
import type { Repositories } from "../store/index.ts";
import { personAddress } from "./addresses.ts";
import type { Locale } from "./types.ts";

/** Renders a notification for one reader: an i18n key and its parameters. */
export type RenderNotification = (locale: Locale, key: string, params: Record<string, string | number>) => unknown;

export interface Notification {
  personId: number;
  /** Unique per message: a repeated write with the same key sends nothing twice. */
  dedupeKey: string;
  key: string;
  params: Record<string, string | number>;
}

export async function notify(repos: Repositories, render: RenderNotification, n: Notification): Promise<void> {
  const person = await repos.people.byId(n.personId);
  if (!person) return;
  await repos.outbox.enqueue({
    dedupeKey: n.dedupeKey,
    target: personAddress(person.id),
    kind: "notification",
    payload: render(person.locale, n.key, n.params),
  });
}
