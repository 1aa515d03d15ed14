/**
 * Versioned storage for Durable Objects, as the agents SDK keeps it: each store of an object
 * (its job tables, its live tables, its event log…) has a name and an ordered list of forward
 * migrations; the version reached is kept in `_schema`, and an object constructed on newer code
 * applies the migrations it has not seen, each in one transaction, before anything reads. A
 * migration is never edited once released: a change of tables is a new entry at the end.
 */
export type StorageMigration = (sql: SqlStorage) => void;

export function migrateStore(storage: DurableObjectStorage, store: string, migrations: readonly StorageMigration[]): number {
  const sql = storage.sql;
  sql.exec("CREATE TABLE IF NOT EXISTS _schema (store TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM _schema WHERE store = ?", store).toArray()[0];
  let version = row?.version ?? 0;
  if (version > migrations.length) throw new Error(`storage of ${store} is at version ${version}, newer than this code (${migrations.length})`);
  while (version < migrations.length) {
    const migration = migrations[version]!;
    storage.transactionSync(() => {
      migration(sql);
      sql.exec("INSERT INTO _schema (store, version) VALUES (?, ?) ON CONFLICT (store) DO UPDATE SET version = excluded.version", store, version + 1);
    });
    version++;
  }
  return version;
}

/** The version a store has reached (0: never migrated). */
export function storeVersion(storage: DurableObjectStorage, store: string): number {
  storage.sql.exec("CREATE TABLE IF NOT EXISTS _schema (store TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  return storage.sql.exec<{ version: number }>("SELECT version FROM _schema WHERE store = ?", store).toArray()[0]?.version ?? 0;
}
