import { describe, expect, it } from "vitest";
import { feedShardCount, feedShardName, MAX_FEED_SHARDS } from "../../src/contract/feed";

describe("FEED_SHARDS", () => {
  it("is read as a whole number from 1 to the maximum; a value that is not a number means one object", () => {
    expect(feedShardCount({ FEED_SHARDS: "8" })).toBe(8);
    expect(feedShardCount({ FEED_SHARDS: "3.7" })).toBe(3);
    expect(feedShardCount({ FEED_SHARDS: "0" })).toBe(1);
    expect(feedShardCount({ FEED_SHARDS: "-4" })).toBe(1);
    expect(feedShardCount({ FEED_SHARDS: "1000" })).toBe(MAX_FEED_SHARDS);
    expect(feedShardCount({ FEED_SHARDS: "many" })).toBe(1);
    expect(feedShardCount({ FEED_SHARDS: "" })).toBe(1);
  });

  it("names each tenant's shards apart from other tenants'", () => {
    expect(feedShardName("acme", 2)).toBe("acme/2");
    expect(feedShardName("acme", 2)).not.toBe(feedShardName("acme2", 2));
  });
});
