// Message addresses: one encode/decode pair, round trips, and what is no address.
import { describe, expect, it } from "vitest";
import { channelAddress, decodeAddress, encodeAddress, personAddress, type Address } from "../../src/domain/addresses.ts";

describe("addresses", () => {
  it("round-trips a person and both kinds of channel", () => {
    const addresses: Address[] = [
      { kind: "person", personId: 7 },
      { kind: "channel", platform: "teams", id: "19:abc@thread.tacv2" },
      { kind: "channel", platform: "slack", id: "C0123ABCD" },
    ];
    for (const a of addresses) expect(decodeAddress(encodeAddress(a))).toEqual(a);
    expect(personAddress(7)).toBe("person:7");
    expect(channelAddress("teams", "19:abc@thread.tacv2")).toBe("teams:19:abc@thread.tacv2");
  });

  it("decodes nothing that is not an address", () => {
    for (const text of ["", "person:", "person:abc", "person:-1", "person:1.5", "web:3", "email:x@y", "slack:", "slack:C1 C2", "bogus"]) {
      expect(decodeAddress(text), text).toBeNull();
    }
  });
});
