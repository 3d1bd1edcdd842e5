// The App Home tab: published when the person opens it.
import { cardContext } from "../../cards/context.ts";
import { homeCard } from "./homeCard.ts";
import { hasRole } from "../../domain/permissions.ts";
import { toHome } from "./blockKit.ts";
import { texts, renderOptions, type Origin, type SlackDeps } from "./present.ts";

export async function publishHome(deps: SlackDeps, origin: Origin): Promise<void> {
  const { store } = deps.app;
  const who = origin.person;
  const [reported, requests, triageCount, organisation] = await Promise.all([
    store.needs.linesOf(who.id).then((lines) => lines.reported),
    store.statusRequests.pendingFor(who.id),
    hasRole(who, "coordinator") ? store.needs.countWithStatus(["submitted"]) : Promise.resolve(undefined),
    deps.app.portfolio.overview(),
  ]);
  const { publicUrl } = deps.app.config.portfolio;
  const card = homeCard(cardContext(who.locale, deps.app.config.timezone), { reported, requests, triageCount, organisation, portfolioUrl: publicUrl ? `${publicUrl}/portfolio` : undefined });
  await deps.client.views.publish({ user_id: origin.user.userId, view: toHome(card, texts(origin), renderOptions(deps)) as never });
}
