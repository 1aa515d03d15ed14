-- Parts a job gave up on, mirrored from its runner with the other counters: GET /queues counts
-- a job's pending parts as total - tagged - failed.
ALTER TABLE jobs ADD COLUMN failed_parts INTEGER NOT NULL DEFAULT 0;
