-- Tenants and who belongs to them.
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE members (
  tenant_id TEXT NOT NULL,
  address TEXT NOT NULL,          -- lower-case 0x address
  role TEXT NOT NULL CHECK (role IN ('member', 'admin')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, address)
);
CREATE INDEX members_by_address ON members (address);

-- Content registered through the API (our registry source).
CREATE TABLE contents (
  qid TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  title TEXT NOT NULL,
  streams TEXT NOT NULL,          -- JSON: {name: {url}|{file}, language?, channels?}
  assets TEXT NOT NULL,           -- JSON: {path: {url}|{file}}
  part_duration_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX contents_by_tenant ON contents (tenant_id, qid);

-- Model catalog entries added by system admins (built-ins live in code).
CREATE TABLE models (
  name TEXT PRIMARY KEY,
  spec TEXT NOT NULL,             -- JSON ModelDefinition
  updated_at INTEGER NOT NULL
);

-- Snapshot of every job; the TagRunner owns the live state.
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  qid TEXT NOT NULL,
  model TEXT NOT NULL,
  stream TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  user TEXT NOT NULL,
  title TEXT NOT NULL,
  destination_qid TEXT NOT NULL,
  status TEXT NOT NULL,
  params TEXT NOT NULL,           -- JSON TagArgs
  error TEXT,
  tag_status TEXT,
  total_parts INTEGER NOT NULL DEFAULT 0,
  downloaded_parts INTEGER NOT NULL DEFAULT 0,
  tagged_parts INTEGER NOT NULL DEFAULT 0,
  num_warnings INTEGER NOT NULL DEFAULT 0,
  last_warning TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER,
  snapshot_seq INTEGER NOT NULL DEFAULT 0,   -- guards against out-of-order snapshot writes
  deleted_at INTEGER
);
CREATE INDEX jobs_by_user ON jobs (user, created_at DESC);
CREATE INDEX jobs_by_tenant ON jobs (tenant_id, created_at DESC);
CREATE INDEX jobs_by_qid ON jobs (qid, created_at DESC);
CREATE INDEX jobs_by_status ON jobs (status, created_at DESC);

-- Tag store.
CREATE TABLE tracks (
  qid TEXT NOT NULL,
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  PRIMARY KEY (qid, name)
);

-- One batch per (job, track); its report lives in report + report_parts.
CREATE TABLE batches (
  id TEXT PRIMARY KEY,
  qid TEXT NOT NULL,              -- where the tags are written (destination)
  track TEXT NOT NULL,
  job_id TEXT NOT NULL,
  model TEXT NOT NULL,
  author TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  report TEXT NOT NULL            -- JSON: {source_qid, params, job_status}
);
CREATE UNIQUE INDEX batches_by_job_track ON batches (job_id, track);
CREATE INDEX batches_by_qid_track ON batches (qid, track, timestamp);

-- Per-part report rows: all_sources, downloaded, tagged and uploaded flags.
CREATE TABLE report_parts (
  batch_id TEXT NOT NULL,
  qid TEXT NOT NULL,
  track TEXT NOT NULL,
  part_id TEXT NOT NULL,
  downloaded INTEGER NOT NULL DEFAULT 0,
  tagged INTEGER NOT NULL DEFAULT 0,
  uploaded INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (batch_id, part_id)
);
CREATE INDEX report_parts_uploaded ON report_parts (qid, track, uploaded, part_id);

CREATE TABLE tags (
  id TEXT PRIMARY KEY,
  batch_id TEXT NOT NULL,
  qid TEXT NOT NULL,
  track TEXT NOT NULL,
  job_id TEXT NOT NULL,
  model TEXT NOT NULL,
  source TEXT NOT NULL,           -- the part the tag came from
  start_time INTEGER NOT NULL,    -- ms, content time
  end_time INTEGER NOT NULL,
  text TEXT NOT NULL,
  frame_info TEXT,                -- JSON or NULL
  additional_info TEXT            -- JSON or NULL
);
CREATE INDEX tags_by_batch_source ON tags (batch_id, source);
CREATE INDEX tags_by_qid_time ON tags (qid, start_time);
CREATE INDEX tags_by_qid_track_time ON tags (qid, track, start_time);
CREATE INDEX tags_by_job ON tags (job_id, start_time);
