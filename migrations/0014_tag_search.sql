-- Tag search across contents (GET /search/tags): a full-text index of every tag's text,
-- word-prefix matching, case and accents folded. An external-content FTS5 table over tags,
-- kept by triggers, so the tag writes (delete a part's tags, insert them again) keep it exact
-- and a duplicate delivery adds nothing. Superseded tags stay indexed and are filtered out on
-- read, as every read path does.
CREATE VIRTUAL TABLE tags_fts USING fts5(text, content='tags', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER tags_fts_after_insert AFTER INSERT ON tags BEGIN
  INSERT INTO tags_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER tags_fts_after_delete AFTER DELETE ON tags BEGIN
  INSERT INTO tags_fts(tags_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER tags_fts_after_update AFTER UPDATE OF text ON tags BEGIN
  INSERT INTO tags_fts(tags_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  INSERT INTO tags_fts(rowid, text) VALUES (new.rowid, new.text);
END;
INSERT INTO tags_fts(tags_fts) VALUES ('rebuild');
