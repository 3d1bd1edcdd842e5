// Where a proactive message goes, as one opaque string (the outbox target, a
// digest's recipient key): "person:<id>" reaches a person on whichever
// platform they use; "teams:<conversation id>" and "slack:<channel id>" are
// channels. Encoded and decoded only here; what a Teams or Slack id looks
// like inside is the channel adapters' business.
export const CHANNEL_PLATFORMS = ["teams", "slack"] as const;
export type ChannelPlatform = (typeof CHANNEL_PLATFORMS)[number];

export type Address = { kind: "person"; personId: number } | { kind: "channel"; platform: ChannelPlatform; id: string };

export const personAddress = (personId: number): string => `person:${personId}`;
export const channelAddress = (platform: ChannelPlatform, id: string): string => `${platform}:${id}`;

export function encodeAddress(address: Address): string {
  return address.kind === "person" ? personAddress(address.personId) : channelAddress(address.platform, address.id);
}

/** The address a string names, or null when it names none. */
export function decodeAddress(text: string): Address | null {
  const colon = text.indexOf(":");
  if (colon < 0) return null;
  const prefix = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (prefix === "person") {
    const personId = Number(rest);
    return /^\d+$/.test(rest) && Number.isSafeInteger(personId) ? { kind: "person", personId } : null;
  }
  const platform = CHANNEL_PLATFORMS.find((p) => p === prefix);
  return platform && /^\S+$/.test(rest) ? { kind: "channel", platform, id: rest } : null;
}
