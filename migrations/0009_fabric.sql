-- Content that lives in an Eluvio content fabric: each tenant's fabric (its base URL, else the
-- deployment's FABRIC_URL) and the tenant's own fabric credential, sealed with CREDENTIALS_KEY
-- (AES-GCM, bound to the tenant id), which background work uses instead of any user's token.
ALTER TABLE tenants ADD COLUMN fabric_url TEXT;
ALTER TABLE tenants ADD COLUMN fabric_credential TEXT;
ALTER TABLE tenants ADD COLUMN fabric_credential_at INTEGER;
-- Where a content's media comes from: 'registry' (registered streams and uploads) or 'fabric'
-- (an iq__/hq__/tqw__ id read through its tenant's fabric when a job is started on it).
ALTER TABLE contents ADD COLUMN origin TEXT NOT NULL DEFAULT 'registry';
