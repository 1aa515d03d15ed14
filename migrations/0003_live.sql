-- Live jobs: how far behind the stream the job is, and the wall-clock end of what it tagged.
ALTER TABLE jobs ADD COLUMN live_lag_ms INTEGER;
ALTER TABLE jobs ADD COLUMN last_wall_ms INTEGER;
