import { readFileSync } from "node:fs";
import { DEMO, makeDemoVideo } from "../../reference-provider/sample";

async function expectOk(res: Response, what: string) {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
}

/**
 * Registers the sample content `demo` with a running service (as the development user, or
 * with `token`). Safe to repeat: the content and its file are simply put again.
 */
export async function registerDemo(baseUrl: string, videoPath: string, token?: string): Promise<void> {
  await makeDemoVideo(videoPath);
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  await expectOk(
    await fetch(`${baseUrl}/contents/${DEMO.qid}`, {
      method: "PUT",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ title: DEMO.title, streams: { video: { file: DEMO.file } }, part_duration: DEMO.part_duration }),
    }),
    "registering demo",
  );
  const bytes = readFileSync(videoPath);
  await expectOk(
    await fetch(`${baseUrl}/contents/${DEMO.qid}/files/${DEMO.file}`, { method: "PUT", headers: { ...auth, "content-type": "video/mp4" }, body: bytes }),
    "uploading demo.mp4",
  );
}
