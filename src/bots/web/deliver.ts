// Proactive delivery to the web chat: the card waits in the person's inbox,
// which the page polls.
import type { Store } from "../../store/index.ts";
import { DeliveryError, type Deliverer } from "../delivery.ts";

export function createWebDeliverer(store: Store): Deliverer {
  return {
    platform: "web",
    async deliver(target, card) {
      if (target.kind !== "person") throw new DeliveryError("permanent", "the web chat has no channels");
      const id = await store.webChat.push(target.person.id, card);
      return { ref: `web:${target.person.id}:${id}` };
    },
  };
}
