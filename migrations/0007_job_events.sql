-- A job's event log (levels, parts, attempts, providers), copied from its runner when the job
-- ends, so it can be read after the pair has moved on to another job.
CREATE TABLE job_events (
  job_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL,
  part TEXT,
  attempt INTEGER,
  provider TEXT,
  PRIMARY KEY (job_id, seq)
);
