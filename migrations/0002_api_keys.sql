-- API keys: the Basic authentication scheme. A key acts for one tenant with a role; only a hash
-- of its secret is kept, so a leaked database cannot be used to call the API.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,                 -- ak_<hex>, the Basic user name
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('member', 'admin')),
  secret_hash TEXT NOT NULL,           -- hex SHA-256 of the secret
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at);
