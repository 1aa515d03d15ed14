/** The development user of AUTH_MODE=dev (src/auth/principal.ts). */
const DEV_USER = "0xde70000000000000000000000000000000000001";
const STATUSES = ["succeeded", "succeeded", "succeeded", "failed", "cancelled"];

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * SQL for `n` finished jobs spread over 100 users in 10 tenants; the development user owns one
 * in a hundred (in tenant `dev`), so `GET /job-status` answers 1% of the table.
 */
export function jobRowsSql(n: number): string {
  const params = JSON.stringify({ feature: "shot", run_config: {}, scope: { type: "video", start_time: 0, end_time: null, stream: "video" }, replace: false, destination_qid: "", max_fetch_retries: 3 });
  const base = Date.parse("2026-01-01T00:00:00Z");
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const mine = i % 100 === 0;
    const user = mine ? DEV_USER : `0x${(i % 100).toString(16).padStart(40, "0")}`;
    const tenant = mine ? "dev" : `tenant${i % 10}`;
    const status = STATUSES[i % STATUSES.length]!;
    const created = base + i * 60_000;
    rows.push(
      `(${q(`bench-job-${i}`)}, ${q(`iq__bench${i % 500}`)}, 'shot', 'video', ${q(tenant)}, ${q(user)}, ${q(`Bench title ${i % 500}`)}, '', ${q(status)}, ${q(params)}, ` +
        `${status === "failed" ? q("provider failed") : "NULL"}, 20, 20, ${status === "succeeded" ? 20 : 7}, 0, ${created}, ${created + 1000}, ${created + 30_000})`,
    );
  }
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += 100) {
    out.push(
      "INSERT INTO jobs (id, qid, model, stream, tenant_id, user, title, destination_qid, status, params, error, total_parts, downloaded_parts, tagged_parts, num_warnings, created_at, started_at, ended_at) VALUES\n" +
        rows.slice(i, i + 100).join(",\n") +
        ";",
    );
  }
  return out.join("\n");
}
