import { env } from "cloudflare:workers";
import { sha256 } from "@noble/hashes/sha2.js";
import { addressOfSecretKey, signToken } from "../../src/auth/token";
import { expect } from "vitest";
import { ADMIN, call, devToken, json } from "../worker/helpers";

/** A caller's token in either configuration: signed (production) or development. */
export function tokenFor(name: string): { token: string; address: string } {
  const key = sha256(new TextEncoder().encode(`security-test ${name}`));
  const address = addressOfSecretKey(key);
  if (env.AUTH_MODE === "signed") return { token: signToken({ addr: address, iat: Math.floor(Date.now() / 1000) }, key), address };
  return { token: devToken(address), address };
}

/** A tenant with one admin member; answers the member's token. */
export async function setupTenant(tenant: string, role: "admin" | "member" = "admin") {
  const who = tokenFor(`${tenant}-${role}`);
  const created = await call("PUT", `/tenants/${tenant}`, { token: ADMIN, body: { name: tenant } });
  if (created.status !== 200 && created.status !== 201) throw new Error(`tenant ${tenant}: ${created.status} ${await created.text()}`);
  await created.body?.cancel();
  await json(await call("PUT", `/tenants/${tenant}/members/${who.address}`, { token: ADMIN, body: { role } }), 200);
  return { tenant, ...who };
}

/** Opens a feed (a websocket route) and answers its first message, the snapshot. */
export async function feedSnapshot(path: string, token: string) {
  const res = await call("GET", path, { token, headers: { upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const first = new Promise<string>((resolve) => ws.addEventListener("message", (e) => resolve(e.data as string), { once: true }));
  ws.accept();
  const msg = JSON.parse(await first);
  ws.close(1000, "done");
  return msg;
}
