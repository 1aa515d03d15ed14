import { describe, expect, it } from "vitest";
import { replyCloseCode } from "../../src/durable-objects/feed-events";

describe("closing a feed socket", () => {
  it("answers a vanished or coded client with a code a server may send", () => {
    // 1006: the client dropped without a close frame; 1005: it sent no code; 1015: TLS. None may be sent.
    expect([1005, 1006, 1015, 1001, 1011].map(replyCloseCode)).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect([1000, 3000, 4001, 4999].map(replyCloseCode)).toEqual([1000, 3000, 4001, 4999]);
  });
});
