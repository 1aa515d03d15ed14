-- Why a job is in its status (a machine code such as stopped_by_user or model_failed) and when
-- it got there: additive fields of every JobStatus.
ALTER TABLE jobs ADD COLUMN status_reason TEXT;
ALTER TABLE jobs ADD COLUMN status_changed INTEGER;
