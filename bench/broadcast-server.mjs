// The floor of figure (f) on this machine: a bare `ws` server in its own process that, for each
// part the bench announces, sends two messages (a part's job.tags and job.progress) of the
// engine's sizes to every connected socket, stamped with when it started sending.
import { WebSocketServer } from "ws";

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
wss.on("listening", () => process.send?.({ port: wss.address().port }));
process.on("message", (m) => {
  if (m.stop) {
    wss.close();
    process.exit(0);
  }
  const at = Date.now();
  const pad = "x".repeat(m.pad ?? 300);
  const tags = JSON.stringify({ type: "job.tags", at, data: { tagged_parts: m.part, pad } });
  const progress = JSON.stringify({ type: "job.progress", at, data: { tagged_parts: m.part, pad } });
  // Socket by socket, as the engine's feed sends.
  for (const ws of wss.clients) {
    ws.send(tags);
    ws.send(progress);
  }
});
