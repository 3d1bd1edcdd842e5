// "Who am I" and "settings": a person's roles and duties, their language,
// and what is stored about them.
import { cardContext } from "../../../cards/context.ts";
import { noticeCard } from "../../../cards/messages.ts";
import { settingsCard, whoAmICard } from "../../../cards/me.ts";
import type { MeService } from "../../../domain/me.ts";
import type { Feature, HandlerContext } from "../types.ts";
import { reply } from "../types.ts";

export function createMeFeature(deps: { me: MeService }): Feature {
  const { me } = deps;
  const whoAmI = async (ctx: HandlerContext) => reply(whoAmICard(ctx, await me.whoAmI(ctx.person)));
  const settings = async (ctx: HandlerContext) => reply(settingsCard(ctx, await me.stored(ctx.person)));
  return {
    intents: [
      { name: "me.whoAmI", phrases: ["who am i", "whoami", "vem är jag", "vem ar jag"], helpKey: "help.whoami", handle: whoAmI },
      { name: "me.settings", phrases: ["settings", "inställningar", "installningar", "preferences"], helpKey: "help.settings", handle: settings },
    ],
    once: ["me.settingsSave"],
    actions: {
      "me.whoAmI": whoAmI,
      "me.settings": settings,
      "me.settingsSave": async (ctx, data) => {
        const person = await me.setLocale(ctx.person, data.locale);
        // The answer already speaks the newly chosen language.
        const now = { ...cardContext(person.locale, ctx.zone), person };
        return { cards: [noticeCard(now.t("me.settings.saved"))], replace: settingsCard(now, await me.stored(person)) };
      },
    },
  };
}
