import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { migrateStore, storeVersion, type StorageMigration } from "../../src/durable-objects/storage-schema";

// Each test uses an object of its own: the migrations below run in its real SQLite storage.
const object = (name: string) => env.TAG_RUNNER.getByName(`storage-schema-${name}`);

const v1: StorageMigration = (sql) => sql.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
const v2: StorageMigration = (sql) => sql.exec("ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'unknown'");

describe("Durable Object storage schema versions", () => {
  it("a runner's own stores are versioned from its first construction, migrations applied", async () => {
    const versions = await runInDurableObject(object("own"), (_runner, state) => ["runner", "live", "events", "job_log"].map((s) => storeVersion(state.storage, s)));
    // The runner's job table is at v2: its reason and status_changed columns came as a forward migration.
    expect(versions).toEqual([2, 1, 1, 1]);
  });

  it("applies forward migrations once, in order, and only those not yet applied", async () => {
    const result = await runInDurableObject(object("forward"), (_runner, state) => {
      const first = migrateStore(state.storage, "notes", [v1]);
      state.storage.sql.exec("INSERT INTO notes (body) VALUES ('kept')");
      // Newer code: v2 is added at the end; v1 does not run again (it would fail: the table exists).
      const second = migrateStore(state.storage, "notes", [v1, v2]);
      const again = migrateStore(state.storage, "notes", [v1, v2]);
      const rows = state.storage.sql.exec("SELECT body, author FROM notes").toArray();
      return { first, second, again, rows };
    });
    expect(result).toEqual({ first: 1, second: 2, again: 2, rows: [{ body: "kept", author: "unknown" }] });
  });

  it("a failing migration leaves the store at its last good version, with nothing half-applied", async () => {
    const broken: StorageMigration = (sql) => {
      sql.exec("CREATE TABLE half (x INTEGER)");
      sql.exec("THIS IS NOT SQL");
    };
    const result = await runInDurableObject(object("broken"), (_runner, state) => {
      migrateStore(state.storage, "notes", [v1]);
      let error = "";
      try {
        migrateStore(state.storage, "notes", [v1, broken]);
      } catch (e) {
        error = String(e);
      }
      const half = state.storage.sql.exec("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half'").one().n;
      return { error, version: storeVersion(state.storage, "notes"), half };
    });
    expect(result.error).not.toBe("");
    expect(result).toMatchObject({ version: 1, half: 0 });
  });

  it("refuses storage written by newer code instead of reading it wrongly", async () => {
    const error = await runInDurableObject(object("newer"), (_runner, state) => {
      migrateStore(state.storage, "notes", [v1, v2]);
      try {
        migrateStore(state.storage, "notes", [v1]);
        return "";
      } catch (e) {
        return String(e);
      }
    });
    expect(error).toMatch(/version 2, newer than this code \(1\)/);
  });
});
