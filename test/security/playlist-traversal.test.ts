import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { resolveSource } from "../../src/sources/bytes";
import { FetchError } from "../../src/sources/safe-fetch";
import { call, json, providerCalls, registerModel, startJob, upload, waitFor } from "../worker/helpers";
import { setupTenant } from "./tenants";

/** Ways a playlist line can try to leave its content's files. */
const ESCAPES = [
  "../../victim/talk.mp4", "../victim/talk.mp4", "/files/victim/talk.mp4", "%2e%2e/victim/talk.mp4", "%2E%2E/%2e%2e/victim/talk.mp4",
  "..%2fvictim%2ftalk.mp4", "..%2Fvictim/talk.mp4", "..\\victim\\talk.mp4", "..%5cvictim%5ctalk.mp4", "./../victim/talk.mp4",
  "hls/../../victim/talk.mp4", "r2:files/victim/talk.mp4", "R2:files/victim/talk.mp4", "file:///etc/passwd", "data:video/mp4;base64,AAAA",
  "%252e%252e/victim/talk.mp4", "..", "../", "/",
];

describe("an uploaded playlist reads only its own content's files", () => {
  it("resolves references inside the content and refuses every escape", () => {
    const base = "r2:files/attacker/video.m3u8";
    expect(resolveSource(base, "seg0.ts")).toBe("r2:files/attacker/seg0.ts");
    expect(resolveSource(base, "hls/a%20b.ts")).toBe("r2:files/attacker/hls/a b.ts");
    expect(resolveSource("r2:files/attacker/hls/video.m3u8", "../seg.ts")).toBe("r2:files/attacker/seg.ts");
    for (const ref of ESCAPES) {
      let resolved: string | undefined;
      try {
        resolved = resolveSource(base, ref);
      } catch (e) {
        expect(e, ref).toBeInstanceOf(FetchError);
        continue;
      }
      // What does resolve must stay under the attacker's own folder, never the victim's.
      expect(resolved, ref).toMatch(/^r2:files\/attacker\/./);
    }
    // An http playlist names http(s) URLs only: never storage, never another scheme.
    for (const ref of ["r2:files/victim/talk.mp4", "file:///etc/passwd", "data:,x", "javascript:alert(1)"]) {
      expect(() => resolveSource("https://media.example.com/a/index.m3u8", ref), ref).toThrow(FetchError);
    }
    expect(resolveSource("https://media.example.com/a/index.m3u8", "../b/seg.ts")).toBe("https://media.example.com/b/seg.ts");
  });

  it("a job on tenant A's playlist never hands tenant B's upload to a provider", async () => {
    const a = await setupTenant("trav-a");
    const b = await setupTenant("trav-b");
    await registerModel("travm");
    await json(await call("PUT", "/contents/victim", { token: b.token, body: { title: "B's film", streams: { video: { file: "talk.mp4" } } } }), 201);
    // B's stored file, as is (uploads are checked on arrival; what matters here is who can reach it).
    await env.BUCKET.put("files/victim/talk.mp4", "B's secret bytes");
    for (const [i, line] of ["../victim/talk.mp4", "%2e%2e/victim/talk.mp4", "/files/victim/talk.mp4", "r2:files/victim/talk.mp4", "..%2fvictim%2ftalk.mp4"].entries()) {
      const qid = `attacker${i}`;
      await json(await call("PUT", `/contents/${qid}`, { token: a.token, body: { title: "A's", streams: { video: { file: "video.m3u8" } } } }), 201);
      await upload(qid, "video.m3u8", ["#EXTM3U", "#EXT-X-TARGETDURATION:4", "#EXTINF:4.0,", line, "#EXT-X-ENDLIST"].join("\n"), a.token);
      const { jobs } = await startJob(qid, { jobs: [{ model: "travm" }] }, a.token);
      const done = await waitFor(qid, jobs[0]!.job_id, ["succeeded", "failed"], 20_000, a.token);
      expect(done.tag_details?.tagged_parts ?? 0, line).toBe(0);
      expect(`${done.error ?? ""} ${done.tag_details?.warnings?.last_warning ?? ""}`, line).toMatch(/inside the content's own files|scheme/);
    }
    expect(await providerCalls("travm")).toEqual([]);
    // B's file is where B left it, and no copy of it was made under A's contents.
    expect(await env.BUCKET.head("files/victim/talk.mp4")).not.toBeNull();
    const copies = await env.BUCKET.list({ prefix: "media/attacker" });
    expect(copies.objects).toEqual([]);
  });
});
