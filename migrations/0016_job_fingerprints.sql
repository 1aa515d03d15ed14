-- A fingerprint of each scope's jobs, changed by the same statement that changes them: triggers,
-- so no writer (runner snapshots, starts, deletes, the cron, a statement run by hand) can miss
-- one. /job-status reads only its scopes' fingerprints and answers from memory while they are
-- unchanged (src/api/status/job-pages.ts). Scopes: 't:' || tenant_id, 'u:' || user, and '*'.
-- A fingerprint is random, not a counter: a database restored to an earlier state (or a test's
-- storage reset) takes back its fingerprints with its data, so a value never comes back with
-- other jobs behind it. The range keeps a sum over many scopes inside 64 bits. Rows are never
-- deleted.
CREATE TABLE job_fingerprints (
  scope TEXT PRIMARY KEY,
  fingerprint INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER jobs_fingerprint_after_insert AFTER INSERT ON jobs BEGIN
  INSERT OR REPLACE INTO job_fingerprints (scope, fingerprint) VALUES
    ('t:' || new.tenant_id, abs(random() % 1000000000000)),
    ('u:' || new.user, abs(random() % 1000000000000)),
    ('*', abs(random() % 1000000000000));
END;

CREATE TRIGGER jobs_fingerprint_after_update AFTER UPDATE ON jobs BEGIN
  INSERT OR REPLACE INTO job_fingerprints (scope, fingerprint) VALUES
    ('t:' || new.tenant_id, abs(random() % 1000000000000)),
    ('u:' || new.user, abs(random() % 1000000000000)),
    ('*', abs(random() % 1000000000000));
END;

-- A job's tenant and user never change today; if one ever did, its old scopes change too.
CREATE TRIGGER jobs_fingerprint_after_move AFTER UPDATE OF tenant_id, user ON jobs BEGIN
  INSERT OR REPLACE INTO job_fingerprints (scope, fingerprint) VALUES
    ('t:' || old.tenant_id, abs(random() % 1000000000000)),
    ('u:' || old.user, abs(random() % 1000000000000));
END;

CREATE TRIGGER jobs_fingerprint_after_delete AFTER DELETE ON jobs BEGIN
  INSERT OR REPLACE INTO job_fingerprints (scope, fingerprint) VALUES
    ('t:' || old.tenant_id, abs(random() % 1000000000000)),
    ('u:' || old.user, abs(random() % 1000000000000)),
    ('*', abs(random() % 1000000000000));
END;
