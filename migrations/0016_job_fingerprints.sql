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

-- What changes a job's scopes, in one place: inserting (tenant_id, user) into this view gives
-- the tenant, the user and '*' new fingerprints. The triggers on jobs below only say which job.
CREATE VIEW job_fingerprint_touch AS SELECT '' AS tenant_id, '' AS user WHERE 0;

CREATE TRIGGER job_fingerprint_touch_insert INSTEAD OF INSERT ON job_fingerprint_touch BEGIN
  INSERT OR REPLACE INTO job_fingerprints (scope, fingerprint) VALUES
    ('t:' || new.tenant_id, abs(random() % 1000000000000)),
    ('u:' || new.user, abs(random() % 1000000000000)),
    ('*', abs(random() % 1000000000000));
END;

CREATE TRIGGER jobs_fingerprint_after_insert AFTER INSERT ON jobs BEGIN
  INSERT INTO job_fingerprint_touch (tenant_id, user) VALUES (new.tenant_id, new.user);
END;

CREATE TRIGGER jobs_fingerprint_after_update AFTER UPDATE ON jobs BEGIN
  INSERT INTO job_fingerprint_touch (tenant_id, user) VALUES (new.tenant_id, new.user);
END;

-- A job's tenant and user never change today; if one ever did, its old scopes change too.
CREATE TRIGGER jobs_fingerprint_after_move AFTER UPDATE OF tenant_id, user ON jobs BEGIN
  INSERT INTO job_fingerprint_touch (tenant_id, user) VALUES (old.tenant_id, old.user);
END;

CREATE TRIGGER jobs_fingerprint_after_delete AFTER DELETE ON jobs BEGIN
  INSERT INTO job_fingerprint_touch (tenant_id, user) VALUES (old.tenant_id, old.user);
END;
