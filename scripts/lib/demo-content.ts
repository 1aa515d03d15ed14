import { readFileSync } from "node:fs";
import { DEMO, samplePath } from "../../reference-provider/sample";

async function expectOk(res: Response, what: string) {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
}

/**
 * Registers the sample content `demo` with a running service (as the development user, or
 * with `token`): the video and audio streams of demo.mp4 and the image asset sign.png. Safe to
 * repeat: the content and its files are simply put again.
 */
export async function registerDemo(baseUrl: string, token?: string): Promise<void> {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const { video, image } = DEMO.files;
  await expectOk(
    await fetch(`${baseUrl}/contents/${DEMO.qid}`, {
      method: "PUT",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        title: DEMO.title,
        streams: { video: { file: video }, audio: { file: video, language: "en", channels: 1 } },
        assets: { [image]: { file: image } },
        part_duration: DEMO.part_duration,
      }),
    }),
    "registering demo",
  );
  for (const [file, type] of [[video, "video/mp4"], [image, "image/png"]] as const) {
    await expectOk(
      await fetch(`${baseUrl}/contents/${DEMO.qid}/files/${file}`, { method: "PUT", headers: { ...auth, "content-type": type }, body: readFileSync(samplePath(file)) }),
      `uploading ${file}`,
    );
  }
}
