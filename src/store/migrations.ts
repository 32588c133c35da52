import type { Database } from "./db.js";

/**
 * Versioned schema. Each entry moves the database from version i to i+1 (`PRAGMA user_version`)
 * inside one transaction. Never edit a released migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1 — the receiving side: where sync stopped, and which events were already handled.
  `
  CREATE TABLE kv (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE handled_events (
    event_id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'refused', 'invalid', 'error', 'ignored')),
    detail TEXT,
    handled_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX handled_events_by_time ON handled_events (handled_at);
  `,
  // 2 — encrypted events waiting for their room key (ciphertext only).
  `
  CREATE TABLE undecryptable_events (
    event_id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    event_json TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT
  ) STRICT;
  `,
  // 3 — reports: one row per report, every change a new version, entities of the current version,
  // attachments, the guided dialogues in progress, and the département-wide sequence.
  `
  CREATE TABLE report_sequences (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    source_event_id TEXT NOT NULL UNIQUE,
    room_id TEXT NOT NULL,
    room_key TEXT NOT NULL,
    service TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    version INTEGER NOT NULL,
    fields_json TEXT NOT NULL
  ) STRICT;

  CREATE TABLE report_versions (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    version INTEGER NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('create', 'update', 'edit', 'complement', 'attachment', 'cancel')),
    changed_by TEXT NOT NULL,
    changed_at INTEGER NOT NULL,
    source_event_id TEXT UNIQUE,
    note TEXT,
    fields_json TEXT NOT NULL,
    PRIMARY KEY (report_id, version)
  ) STRICT;

  CREATE TABLE report_entities (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    display TEXT NOT NULL,
    PRIMARY KEY (report_id, kind, value)
  ) STRICT;
  CREATE INDEX report_entities_by_value ON report_entities (kind, value);

  CREATE TABLE report_attachments (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    version INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('image', 'location')),
    event_id TEXT NOT NULL UNIQUE,
    mxc_url TEXT,
    geo_uri TEXT,
    latitude REAL,
    longitude REAL,
    description TEXT,
    added_by TEXT NOT NULL,
    added_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE dialogues (
    thread_root TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    step TEXT NOT NULL,
    draft_json TEXT NOT NULL,
    original_text TEXT,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX dialogues_by_expiry ON dialogues (expires_at);
  `,
  // 4 — diffusion: the outbox (written with the report, in the same transaction), the card each
  // room received per report (updates go in its thread), cross-references between reports, and a
  // normalised text for search.
  `
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('report', 'match')),
    report_id INTEGER NOT NULL REFERENCES reports (id),
    version INTEGER NOT NULL,
    match_id INTEGER NOT NULL DEFAULT 0,
    room_key TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'queued', 'sent', 'dropped')),
    created_at INTEGER NOT NULL,
    queued_at INTEGER,
    sent_at INTEGER,
    event_id TEXT,
    last_error TEXT,
    UNIQUE (kind, report_id, version, match_id, room_key)
  ) STRICT;
  CREATE INDEX outbox_by_status ON outbox (status, id);

  CREATE TABLE report_cards (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    room_key TEXT NOT NULL,
    event_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (report_id, room_key)
  ) STRICT;

  CREATE TABLE matches (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    other_id INTEGER NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    display TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (report_id, other_id, kind, value)
  ) STRICT;
  CREATE INDEX matches_by_other ON matches (other_id);

  ALTER TABLE reports ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
  `,
  // 5 — the cell's rhythm: meetings, agenda items, follow-up actions, and the keys of what was
  // already posted on schedule (digests, agendas, reminders), so nothing goes out twice.
  `
  CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    place TEXT,
    status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    minutes TEXT,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    source_event_id TEXT UNIQUE
  ) STRICT;

  CREATE TABLE agenda_items (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    added_by TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    source_event_id TEXT UNIQUE
  ) STRICT;

  CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    due INTEGER NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    report_ref TEXT,
    meeting_id INTEGER REFERENCES meetings (id),
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    done_at INTEGER,
    done_by TEXT,
    done_comment TEXT,
    source_event_id TEXT UNIQUE
  ) STRICT;

  CREATE TABLE posted (
    key TEXT PRIMARY KEY,
    posted_at INTEGER NOT NULL
  ) STRICT;
  `,
  // 6 — rooms whose safety changed (made public, history opened to all, upgraded): frozen, they see nothing.
  `
  CREATE TABLE frozen_rooms (
    room_key TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    frozen_at INTEGER NOT NULL
  ) STRICT;
  `,
  // 7 — every message the bot sent a room about a report (card, thread updates, match alerts,
  // reminders), so that withdrawing a report from a room takes back all of it; people in a room who
  // are not entitled to it (the room stays frozen while they are there); and the references of
  // purged reports (and those announced after a restored backup), never issued to another report.
  `
  CREATE TABLE sent_events (
    event_id TEXT NOT NULL,
    room_key TEXT NOT NULL,
    report_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('card', 'update', 'match', 'reminder', 'notice')),
    sent_at INTEGER NOT NULL,
    redacted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, report_id)
  ) STRICT;
  CREATE INDEX sent_events_by_report ON sent_events (report_id, room_key);
  CREATE INDEX sent_events_by_room ON sent_events (room_key, redacted);
  INSERT INTO sent_events (event_id, room_key, report_id, kind, sent_at, redacted)
    SELECT event_id, room_key, report_id, 'card', 0, withdrawn FROM report_cards;

  CREATE TABLE room_intruders (
    room_key TEXT NOT NULL,
    user_id TEXT NOT NULL,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (room_key, user_id)
  ) STRICT;

  CREATE TABLE retired_refs (
    ref TEXT PRIMARY KEY,
    retired_at INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('purge', 'restore')),
    -- For a reference announced after the backup a store was restored from: the event that created
    -- it, the only one that may take it again (when that event is delivered again).
    source_event_id TEXT
  ) STRICT;
  `,
  // 8 — territory (!carte, !tendances): one row per report with what a map counts (fact date,
  // active or not, the policy's inputs as one class key, commune, type, typed place), kept by
  // triggers in the report's own write transaction (the report store stays the only writer), and
  // an index that covers every map query: counting a period reads neither the reports nor JSON.
  `
  CREATE TABLE territory_facts (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    observed TEXT,
    active INTEGER,
    class TEXT,
    commune TEXT,
    type TEXT,
    place TEXT
  ) STRICT;
  CREATE INDEX territory_facts_by_time ON territory_facts (observed, active, class, commune, type, place);
  -- !cherche commune:… type:… reads these (newest reports first, by the index on reports below).
  CREATE INDEX territory_facts_by_commune ON territory_facts (commune, type);
  CREATE INDEX territory_facts_by_type ON territory_facts (type);
  CREATE INDEX reports_by_creation ON reports (created_at, id);
  CREATE INDEX matches_by_creation ON matches (created_at);

  CREATE TRIGGER territory_facts_insert AFTER INSERT ON reports BEGIN
    INSERT OR REPLACE INTO territory_facts (report_id, observed, active, class, commune, type, place) VALUES (NEW.id,
      json_extract(NEW.fields_json, '$.observedAt'), NEW.status = 'active',
      NEW.service || '|' || json_extract(NEW.fields_json, '$.diffusion.level') || '|' || ifnull(json_extract(NEW.fields_json, '$.diffusion.services'), ''),
      json_extract(NEW.fields_json, '$.commune.code'), json_extract(NEW.fields_json, '$.type'), trim(json_extract(NEW.fields_json, '$.place')));
  END;
  CREATE TRIGGER territory_facts_update AFTER UPDATE OF fields_json, status, service ON reports BEGIN
    INSERT OR REPLACE INTO territory_facts (report_id, observed, active, class, commune, type, place) VALUES (NEW.id,
      json_extract(NEW.fields_json, '$.observedAt'), NEW.status = 'active',
      NEW.service || '|' || json_extract(NEW.fields_json, '$.diffusion.level') || '|' || ifnull(json_extract(NEW.fields_json, '$.diffusion.services'), ''),
      json_extract(NEW.fields_json, '$.commune.code'), json_extract(NEW.fields_json, '$.type'), trim(json_extract(NEW.fields_json, '$.place')));
  END;
  CREATE TRIGGER territory_facts_delete AFTER DELETE ON reports BEGIN
    DELETE FROM territory_facts WHERE report_id = OLD.id;
  END;

  INSERT INTO territory_facts (report_id, observed, active, class, commune, type, place)
    SELECT id, json_extract(fields_json, '$.observedAt'), status = 'active',
      service || '|' || json_extract(fields_json, '$.diffusion.level') || '|' || ifnull(json_extract(fields_json, '$.diffusion.services'), ''),
      json_extract(fields_json, '$.commune.code'), json_extract(fields_json, '$.type'), trim(json_extract(fields_json, '$.place'))
    FROM reports;
  `,
  // 9 — citizen tips (issue 14): the tips, the cell's questions, the citizens' answers.
  `
  CREATE TABLE tips (
    id INTEGER PRIMARY KEY,
    submission_id TEXT NOT NULL UNIQUE,
    receipt_hash TEXT UNIQUE,
    received_at INTEGER NOT NULL,
    stored_at INTEGER NOT NULL,
    pow INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected', 'duplicate')),
    fields_json TEXT,
    photo BLOB,
    photo_mimetype TEXT,
    latitude REAL,
    longitude REAL,
    card_event_id TEXT,
    decided_by TEXT,
    decided_at INTEGER,
    decision_note TEXT,
    report_ref TEXT,
    duplicate_of TEXT,
    reminded_at INTEGER,
    published_at INTEGER,
    purged_at INTEGER
  ) STRICT;
  CREATE INDEX tips_by_status ON tips (status, received_at);

  CREATE TABLE tip_questions (
    id INTEGER PRIMARY KEY,
    tip_id INTEGER NOT NULL REFERENCES tips (id),
    text TEXT NOT NULL,
    asked_by TEXT NOT NULL,
    asked_at INTEGER NOT NULL,
    source_event_id TEXT NOT NULL UNIQUE,
    answered INTEGER NOT NULL DEFAULT 0
  ) STRICT;

  CREATE TABLE tip_answers (
    id INTEGER PRIMARY KEY,
    tip_id INTEGER NOT NULL REFERENCES tips (id),
    submission_id TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    posted_event_id TEXT
  ) STRICT;
  `,
  // 10 — full-text search: a trigram index of each report's searchable text (accents folded, lower
  // case), kept in step by triggers inside the report's own write; substrings of 3+ characters are
  // found without reading the table.
  `
  CREATE VIRTUAL TABLE reports_fts USING fts5(search_text, content = 'reports', content_rowid = 'id', tokenize = 'trigram');
  INSERT INTO reports_fts (rowid, search_text) SELECT id, search_text FROM reports;
  CREATE TRIGGER reports_fts_insert AFTER INSERT ON reports BEGIN
    INSERT INTO reports_fts (rowid, search_text) VALUES (NEW.id, NEW.search_text);
  END;
  CREATE TRIGGER reports_fts_delete AFTER DELETE ON reports BEGIN
    INSERT INTO reports_fts (reports_fts, rowid, search_text) VALUES ('delete', OLD.id, OLD.search_text);
  END;
  CREATE TRIGGER reports_fts_update AFTER UPDATE OF search_text ON reports BEGIN
    INSERT INTO reports_fts (reports_fts, rowid, search_text) VALUES ('delete', OLD.id, OLD.search_text);
    INSERT INTO reports_fts (rowid, search_text) VALUES (NEW.id, NEW.search_text);
  END;
  `,
  // 11 — referent matters: rooms the bot creates (one matter, one referent, until a date) and the
  // grants that let such a room see a report.
  `
  CREATE TABLE bot_rooms (
    key TEXT PRIMARY KEY,
    room_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('matter')),
    purpose TEXT NOT NULL,
    referent TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed', 'expired')),
    ended_at INTEGER,
    referent_joined_at INTEGER
  ) STRICT;
  CREATE INDEX bot_rooms_by_status ON bot_rooms (status, expires_at);

  CREATE TABLE grants (
    room_key TEXT NOT NULL REFERENCES bot_rooms (key),
    report_ref TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    until INTEGER NOT NULL,
    revoked_at INTEGER,
    PRIMARY KEY (room_key, report_ref)
  ) STRICT;
  `,
  // 12 — strategy (issue 13): the proposals last shown per room, the adopted ones with their before figures.
  `
  CREATE TABLE strategy_shown (
    room_key TEXT PRIMARY KEY,
    shown_at INTEGER NOT NULL,
    proposals_json TEXT NOT NULL
  ) STRICT;

  CREATE TABLE strategy_adopted (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES actions (id),
    room_key TEXT NOT NULL,
    commune TEXT NOT NULL,
    nom TEXT NOT NULL,
    place TEXT,
    types_json TEXT NOT NULL,
    span_ms INTEGER NOT NULL,
    before_count INTEGER NOT NULL,
    score REAL NOT NULL,
    because_json TEXT NOT NULL,
    service TEXT NOT NULL,
    adopted_at INTEGER NOT NULL,
    adopted_by TEXT NOT NULL,
    source_event_id TEXT NOT NULL UNIQUE
  ) STRICT;
  `,
  // 13 — referent matters: who was given the brief of a matter room (a member joining after the
  // referent cannot read what was posted before: `joined` history), so nobody gets it twice.
  `
  CREATE TABLE matter_briefs (
    room_key TEXT NOT NULL REFERENCES bot_rooms (key),
    user_id TEXT NOT NULL,
    briefed_at INTEGER NOT NULL,
    PRIMARY KEY (room_key, user_id)
  ) STRICT;
  `,
  // 14 — coalesced cards (issue 16): when several cards wait for one room, they leave in one
  // message. The group is written before it is sent (its members and its transaction key), so that
  // after a crash the very same message is sent again, never a second one. For 'report' rows of
  // the outbox, `match_id` (0 otherwise) names the group whose take-back owes this card again.
  `
  CREATE TABLE card_groups (
    id INTEGER PRIMARY KEY,
    room_key TEXT NOT NULL,
    txn_key TEXT NOT NULL UNIQUE,
    members_json TEXT NOT NULL,
    event_id TEXT,
    planned_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX card_groups_open ON card_groups (room_key) WHERE event_id IS NULL;
  CREATE INDEX card_groups_by_event ON card_groups (event_id);
  `,
  // 15 — digests and agendas at size: one row per report with what they list (reference, service,
  // status, diffusion class as in territory_facts, type, commune, grade, entities), stored in
  // creation order (the key), kept by triggers in the report's own write. A period is one range
  // read of small contiguous rows, however large the store, and its counts a GROUP BY on it.
  `
  CREATE TABLE rhythm_facts (
    created_at INTEGER NOT NULL,
    report_id INTEGER NOT NULL,
    ref TEXT NOT NULL,
    service TEXT NOT NULL,
    status TEXT NOT NULL,
    class TEXT,
    type TEXT,
    commune TEXT,
    nom TEXT,
    reliability TEXT,
    credibility INTEGER,
    entities TEXT,
    PRIMARY KEY (created_at, report_id)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX rhythm_facts_by_report ON rhythm_facts (report_id);

  CREATE TRIGGER rhythm_facts_insert AFTER INSERT ON reports BEGIN
    INSERT OR REPLACE INTO rhythm_facts (created_at, report_id, ref, service, status, class, type, commune, nom, reliability, credibility, entities)
    VALUES (NEW.created_at, NEW.id, NEW.ref, NEW.service, NEW.status,
      NEW.service || '|' || json_extract(NEW.fields_json, '$.diffusion.level') || '|' || ifnull(json_extract(NEW.fields_json, '$.diffusion.services'), ''),
      json_extract(NEW.fields_json, '$.type'), json_extract(NEW.fields_json, '$.commune.code'), json_extract(NEW.fields_json, '$.commune.nom'),
      json_extract(NEW.fields_json, '$.grade.reliability'), json_extract(NEW.fields_json, '$.grade.credibility'),
      nullif(json_extract(NEW.fields_json, '$.entities'), '[]'));
  END;
  CREATE TRIGGER rhythm_facts_update AFTER UPDATE OF fields_json, status, service, ref, created_at ON reports BEGIN
    DELETE FROM rhythm_facts WHERE report_id = OLD.id;
    INSERT INTO rhythm_facts (created_at, report_id, ref, service, status, class, type, commune, nom, reliability, credibility, entities)
    VALUES (NEW.created_at, NEW.id, NEW.ref, NEW.service, NEW.status,
      NEW.service || '|' || json_extract(NEW.fields_json, '$.diffusion.level') || '|' || ifnull(json_extract(NEW.fields_json, '$.diffusion.services'), ''),
      json_extract(NEW.fields_json, '$.type'), json_extract(NEW.fields_json, '$.commune.code'), json_extract(NEW.fields_json, '$.commune.nom'),
      json_extract(NEW.fields_json, '$.grade.reliability'), json_extract(NEW.fields_json, '$.grade.credibility'),
      nullif(json_extract(NEW.fields_json, '$.entities'), '[]'));
  END;
  CREATE TRIGGER rhythm_facts_delete AFTER DELETE ON reports BEGIN
    DELETE FROM rhythm_facts WHERE report_id = OLD.id;
  END;

  INSERT INTO rhythm_facts (created_at, report_id, ref, service, status, class, type, commune, nom, reliability, credibility, entities)
    SELECT created_at, id, ref, service, status,
      service || '|' || json_extract(fields_json, '$.diffusion.level') || '|' || ifnull(json_extract(fields_json, '$.diffusion.services'), ''),
      json_extract(fields_json, '$.type'), json_extract(fields_json, '$.commune.code'), json_extract(fields_json, '$.commune.nom'),
      json_extract(fields_json, '$.grade.reliability'), json_extract(fields_json, '$.grade.credibility'),
      nullif(json_extract(fields_json, '$.entities'), '[]') FROM reports;
  `,
  // 16 — agendas at size: the most recent reports of one commune, type and status, newest first,
  // the diffusion class at hand (a room's classes are checked on the index, the row read only for
  // the few references listed). See ReportStore.periodGroups and periodListed.
  `
  CREATE INDEX rhythm_facts_by_group ON rhythm_facts (commune, type, status, created_at, class);
  `,
  // 17 — full-text indexing in batches (issue 16): adding one report to a large trigram index in its
  // own transaction costs a new index segment and its merges (about 5 ms a report at 1 M). A written
  // report is now only marked in search_pending, inside its own write; the search indexer
  // (src/jobs/search-index.ts) indexes the marked ones together, one transaction a batch, and a
  // search reads the few marked reports by substring until then. A marked report is not in the
  // index (its old text was taken out when it was marked), so it is never found twice.
  `
  CREATE TABLE search_pending (report_id INTEGER PRIMARY KEY);
  DROP TRIGGER reports_fts_insert;
  DROP TRIGGER reports_fts_update;
  DROP TRIGGER reports_fts_delete;
  CREATE TRIGGER search_pending_insert AFTER INSERT ON reports BEGIN
    INSERT OR IGNORE INTO search_pending (report_id) VALUES (NEW.id);
  END;
  CREATE TRIGGER search_pending_update AFTER UPDATE OF search_text ON reports BEGIN
    INSERT INTO reports_fts (reports_fts, rowid, search_text)
      SELECT 'delete', OLD.id, OLD.search_text WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE report_id = OLD.id);
    INSERT OR IGNORE INTO search_pending (report_id) VALUES (NEW.id);
  END;
  CREATE TRIGGER search_pending_delete AFTER DELETE ON reports BEGIN
    INSERT INTO reports_fts (reports_fts, rowid, search_text)
      SELECT 'delete', OLD.id, OLD.search_text WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE report_id = OLD.id);
    DELETE FROM search_pending WHERE report_id = OLD.id;
  END;
  `,
  // 18 — the relay's read at size (issue 16): rows queued long ago and never sent (Redis lost them)
  // are found by time, not by reading every row waiting in the queue (a backlog under Tchap's budget).
  `
  CREATE INDEX outbox_by_queued_at ON outbox (status, queued_at);
  `,
  // 19 — the journal inbox (issue 16): a report's journal entry is written in the report's own
  // transaction, so a write is never stored without its entry, and moved to the audit journal (its
  // own file) in batches, off the report's path. Each entry's origin makes the move happen once.
  `
  CREATE TABLE journal_inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    origin TEXT NOT NULL UNIQUE,
    entry_json TEXT NOT NULL
  ) STRICT;
  `,
  // 20 — grouped match alerts (issue 16): a planned message is of cards (members: report and
  // version) or of match alerts (members: outbox row and the reports its planned text names). Every
  // alert is planned before it is sent, alone or with the others waiting for its room.
  `
  ALTER TABLE card_groups ADD COLUMN kind TEXT NOT NULL DEFAULT 'cards' CHECK (kind IN ('cards', 'alerts'));
  `,
  // 21 — the strategy at size (issue 16): a territory fact carries its grade and its observation
  // time in milliseconds, and the distinct (class, commune, type, grade) combinations seen are kept
  // in territory_combos. The strategy's groups are then one index range per combination, read in
  // the combination's order (no sort of a quarter's facts, no join to rhythm_facts, no date parsed
  // per fact); a window's classes are one probe per combination. Typed places and addresses
  // get partial indexes of their own (most facts have neither).
  `
  ALTER TABLE territory_facts ADD COLUMN reliability TEXT;
  ALTER TABLE territory_facts ADD COLUMN credibility INTEGER;
  ALTER TABLE territory_facts ADD COLUMN at INTEGER;
  UPDATE territory_facts SET (reliability, credibility) =
    (SELECT json_extract(r.fields_json, '$.grade.reliability'), json_extract(r.fields_json, '$.grade.credibility') FROM reports r WHERE r.id = territory_facts.report_id);
  UPDATE territory_facts SET at = CAST(round(unixepoch(observed, 'subsec') * 1000) AS INTEGER);

  CREATE TABLE territory_combos (class TEXT, commune TEXT, type TEXT, reliability TEXT, credibility INTEGER);
  CREATE UNIQUE INDEX territory_combos_key ON territory_combos
    (ifnull(class, ''), ifnull(commune, ''), ifnull(type, ''), ifnull(reliability, ''), ifnull(credibility, 0));
  INSERT OR IGNORE INTO territory_combos SELECT DISTINCT class, commune, type, reliability, credibility FROM territory_facts;
  CREATE INDEX territory_facts_by_combo ON territory_facts (class, commune, type, reliability, credibility, active, at);
  CREATE INDEX territory_facts_typed_places ON territory_facts (observed, active, class, commune, type, place)
    WHERE place IS NOT NULL AND place <> '';
  CREATE INDEX report_entities_addresses ON report_entities (report_id, value, display) WHERE kind = 'address';

  DROP TRIGGER territory_facts_insert;
  DROP TRIGGER territory_facts_update;
  CREATE TRIGGER territory_facts_insert AFTER INSERT ON reports BEGIN
    INSERT OR REPLACE INTO territory_facts (report_id, observed, active, class, commune, type, place, reliability, credibility, at) VALUES (NEW.id,
      json_extract(NEW.fields_json, '$.observedAt'), NEW.status = 'active',
      NEW.service || '|' || json_extract(NEW.fields_json, '$.diffusion.level') || '|' || ifnull(json_extract(NEW.fields_json, '$.diffusion.services'), ''),
      json_extract(NEW.fields_json, '$.commune.code'), json_extract(NEW.fields_json, '$.type'), trim(json_extract(NEW.fields_json, '$.place')),
      json_extract(NEW.fields_json, '$.grade.reliability'), json_extract(NEW.fields_json, '$.grade.credibility'),
      CAST(round(unixepoch(json_extract(NEW.fields_json, '$.observedAt'), 'subsec') * 1000) AS INTEGER));
    INSERT OR IGNORE INTO territory_combos (class, commune, type, reliability, credibility)
      SELECT class, commune, type, reliability, credibility FROM territory_facts WHERE report_id = NEW.id;
  END;
  CREATE TRIGGER territory_facts_update AFTER UPDATE OF fields_json, status, service ON reports BEGIN
    INSERT OR REPLACE INTO territory_facts (report_id, observed, active, class, commune, type, place, reliability, credibility, at) VALUES (NEW.id,
      json_extract(NEW.fields_json, '$.observedAt'), NEW.status = 'active',
      NEW.service || '|' || json_extract(NEW.fields_json, '$.diffusion.level') || '|' || ifnull(json_extract(NEW.fields_json, '$.diffusion.services'), ''),
      json_extract(NEW.fields_json, '$.commune.code'), json_extract(NEW.fields_json, '$.type'), trim(json_extract(NEW.fields_json, '$.place')),
      json_extract(NEW.fields_json, '$.grade.reliability'), json_extract(NEW.fields_json, '$.grade.credibility'),
      CAST(round(unixepoch(json_extract(NEW.fields_json, '$.observedAt'), 'subsec') * 1000) AS INTEGER));
    INSERT OR IGNORE INTO territory_combos (class, commune, type, reliability, credibility)
      SELECT class, commune, type, reliability, credibility FROM territory_facts WHERE report_id = NEW.id;
  END;
  `,
  // 22 — `!cherche commune:…` newest first (issue 16): the reports of one commune in id order, so a
  // search reads the index backwards and stops at its limit, whether the commune has three reports
  // or a hundred thousand (commune and type together already have theirs).
  `
  CREATE INDEX territory_facts_by_commune_alone ON territory_facts (commune);
  `,
  // 23 — repeated addresses at size (issue 16): a territory fact says whether its report names an
  // address, and the facts that do have an index of their own, by observation date. A window's
  // addresses are then read from those facts only (most have none), not by looking up every fact
  // of the window among the addresses: 33 ms for a quarter at 1 M reports that name none.
  `
  ALTER TABLE territory_facts ADD COLUMN has_address INTEGER NOT NULL DEFAULT 0;
  UPDATE territory_facts SET has_address = EXISTS (SELECT 1 FROM reports r, json_each(r.fields_json, '$.entities') e
    WHERE r.id = territory_facts.report_id AND e.value ->> 'kind' = 'address');
  CREATE INDEX territory_facts_with_address ON territory_facts (observed, active, class, commune, type) WHERE has_address = 1;

  DROP TRIGGER territory_facts_insert;
  DROP TRIGGER territory_facts_update;
  CREATE TRIGGER territory_facts_insert AFTER INSERT ON reports BEGIN
    INSERT OR REPLACE INTO territory_facts (report_id, observed, active, class, commune, type, place, reliability, credibility, at, has_address) VALUES (NEW.id,
      json_extract(NEW.fields_json, '$.observedAt'), NEW.status = 'active',
      NEW.service || '|' || json_extract(NEW.fields_json, '$.diffusion.level') || '|' || ifnull(json_extract(NEW.fields_json, '$.diffusion.services'), ''),
      json_extract(NEW.fields_json, '$.commune.code'), json_extract(NEW.fields_json, '$.type'), trim(json_extract(NEW.fields_json, '$.place')),
      json_extract(NEW.fields_json, '$.grade.reliability'), json_extract(NEW.fields_json, '$.grade.credibility'),
      CAST(round(unixepoch(json_extract(NEW.fields_json, '$.observedAt'), 'subsec') * 1000) AS INTEGER),
      EXISTS (SELECT 1 FROM json_each(NEW.fields_json, '$.entities') WHERE value ->> 'kind' = 'address'));
    INSERT OR IGNORE INTO territory_combos (class, commune, type, reliability, credibility)
      SELECT class, commune, type, reliability, credibility FROM territory_facts WHERE report_id = NEW.id;
  END;
  CREATE TRIGGER territory_facts_update AFTER UPDATE OF fields_json, status, service ON reports BEGIN
    INSERT OR REPLACE INTO territory_facts (report_id, observed, active, class, commune, type, place, reliability, credibility, at, has_address) VALUES (NEW.id,
      json_extract(NEW.fields_json, '$.observedAt'), NEW.status = 'active',
      NEW.service || '|' || json_extract(NEW.fields_json, '$.diffusion.level') || '|' || ifnull(json_extract(NEW.fields_json, '$.diffusion.services'), ''),
      json_extract(NEW.fields_json, '$.commune.code'), json_extract(NEW.fields_json, '$.type'), trim(json_extract(NEW.fields_json, '$.place')),
      json_extract(NEW.fields_json, '$.grade.reliability'), json_extract(NEW.fields_json, '$.grade.credibility'),
      CAST(round(unixepoch(json_extract(NEW.fields_json, '$.observedAt'), 'subsec') * 1000) AS INTEGER),
      EXISTS (SELECT 1 FROM json_each(NEW.fields_json, '$.entities') WHERE value ->> 'kind' = 'address'));
    INSERT OR IGNORE INTO territory_combos (class, commune, type, reliability, credibility)
      SELECT class, commune, type, reliability, credibility FROM territory_facts WHERE report_id = NEW.id;
  END;
  `,
  // 24 — a window's diffusion classes at any number of communes (issue 16): probing every known
  // (class, commune, type, grade) combination (migration 21) cost one seek each — 2,000 in a
  // store of 10 communes, 100,000 across the 506 of the Vosges. With the facts indexed by class
  // and time, the distinct classes are walked on the index (one seek each, a few dozen) and each
  // is probed once on the window.
  `
  CREATE INDEX territory_facts_by_class ON territory_facts (class, active, at);
  `,
  // 25 — digest and agenda counts without a sort (issue 16): a 30-day GROUP BY over 27,000 facts
  // at 1 M reports spent 30–50 ms in SQLite's temporary B-tree. The (status, commune, type) groups
  // and the diffusion classes ever stored are kept here, each with its latest creation time, by a
  // trigger on rhythm_facts; a period's counts are then one range of the group index per group
  // created since the period began (rhythm_facts_by_group, covering), and its classes a read of a
  // few dozen rows. A report purged later may leave a group or class behind: it costs one empty
  // range, never a wrong count.
  `
  CREATE TABLE rhythm_groups (
    status TEXT NOT NULL,
    commune TEXT NOT NULL,
    type TEXT NOT NULL,
    last_created_at INTEGER NOT NULL,
    PRIMARY KEY (status, commune, type)
  ) WITHOUT ROWID;
  CREATE TABLE rhythm_classes (class TEXT PRIMARY KEY, last_created_at INTEGER NOT NULL) WITHOUT ROWID;
  -- A period's recurring entities are read from the few reports that name any.
  CREATE INDEX rhythm_facts_with_entities ON rhythm_facts (created_at) WHERE entities IS NOT NULL;
  INSERT INTO rhythm_groups (status, commune, type, last_created_at)
    SELECT status, commune, type, max(created_at) FROM rhythm_facts
    WHERE commune IS NOT NULL AND type IS NOT NULL GROUP BY status, commune, type;
  INSERT INTO rhythm_classes (class, last_created_at)
    SELECT class, max(created_at) FROM rhythm_facts WHERE class IS NOT NULL GROUP BY class;
  CREATE TRIGGER rhythm_groups_insert AFTER INSERT ON rhythm_facts BEGIN
    INSERT INTO rhythm_groups (status, commune, type, last_created_at)
      SELECT NEW.status, NEW.commune, NEW.type, NEW.created_at WHERE NEW.commune IS NOT NULL AND NEW.type IS NOT NULL
      ON CONFLICT DO UPDATE SET last_created_at = max(last_created_at, excluded.last_created_at);
    INSERT INTO rhythm_classes (class, last_created_at)
      SELECT NEW.class, NEW.created_at WHERE NEW.class IS NOT NULL
      ON CONFLICT DO UPDATE SET last_created_at = max(last_created_at, excluded.last_created_at);
  END;
  `,
  // 26 — the strategy's groups at size (issue 16): a territory fact carries the row id of its
  // (class, commune, type, grade) combination, and the combination index is (combo, active, at):
  // entries of a dozen bytes instead of the five text columns, so a quarter's facts are a third as
  // many pages to walk. Set by a trigger on the fact itself, for every way a fact is written (the
  // report triggers write facts by INSERT OR REPLACE); their own INSERT OR IGNORE of the
  // combination, after it, then finds it there.
  `
  ALTER TABLE territory_facts ADD COLUMN combo INTEGER;
  UPDATE territory_facts SET combo = (SELECT c.rowid FROM territory_combos c
    WHERE ifnull(c.class, '') = ifnull(territory_facts.class, '') AND ifnull(c.commune, '') = ifnull(territory_facts.commune, '')
      AND ifnull(c.type, '') = ifnull(territory_facts.type, '') AND ifnull(c.reliability, '') = ifnull(territory_facts.reliability, '')
      AND ifnull(c.credibility, 0) = ifnull(territory_facts.credibility, 0));
  DROP INDEX territory_facts_by_combo;
  CREATE INDEX territory_facts_by_combo_id ON territory_facts (combo, active, at);
  CREATE TRIGGER territory_facts_combo AFTER INSERT ON territory_facts BEGIN
    -- An upsert, not INSERT OR IGNORE: the facts are written by INSERT OR REPLACE, whose conflict
    -- policy would override the trigger's and replace the combination under a new row id.
    INSERT INTO territory_combos (class, commune, type, reliability, credibility)
      VALUES (NEW.class, NEW.commune, NEW.type, NEW.reliability, NEW.credibility) ON CONFLICT DO NOTHING;
    UPDATE territory_facts SET combo = (SELECT c.rowid FROM territory_combos c
      WHERE ifnull(c.class, '') = ifnull(NEW.class, '') AND ifnull(c.commune, '') = ifnull(NEW.commune, '')
        AND ifnull(c.type, '') = ifnull(NEW.type, '') AND ifnull(c.reliability, '') = ifnull(NEW.reliability, '')
        AND ifnull(c.credibility, 0) = ifnull(NEW.credibility, 0))
    WHERE report_id = NEW.report_id;
  END;
  `,
  // 27 — the strategy at the Vosges' breadth (issue 16): reading a period by combination costs one
  // seek per (class, commune, type, grade) ever stored, and across 506 communes and two dozen grades
  // there are about as many combinations as facts (90 k in a store of 100 k reports): the agenda
  // took 0.7 s at 100 k and 4 s at 1 M. The (commune, type) pairs ever stored are kept here, by a
  // trigger on the facts (an upsert: see migration 26), and the facts get an index by pair and
  // time that carries what a period is weighed from, so a period is one range per pair (a few
  // thousand at most), whatever the number of combinations. StrategyStore.factGroups reads by
  // pair when combinations are many, by combination when they are few (where that is cheaper).
  `
  CREATE TABLE territory_pairs (commune TEXT, type TEXT);
  CREATE UNIQUE INDEX territory_pairs_key ON territory_pairs (ifnull(commune, ''), ifnull(type, ''));
  INSERT OR IGNORE INTO territory_pairs (commune, type) SELECT DISTINCT commune, type FROM territory_facts;
  CREATE INDEX territory_facts_by_pair ON territory_facts (commune, type, active, at, class, reliability, credibility);
  CREATE TRIGGER territory_facts_pair AFTER INSERT ON territory_facts BEGIN
    INSERT INTO territory_pairs (commune, type) VALUES (NEW.commune, NEW.type) ON CONFLICT DO NOTHING;
  END;
  `,
];

export async function migrate(db: Database): Promise<number> {
  const current = (await db.get<{ user_version: number }>("PRAGMA user_version"))?.user_version ?? 0;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this bot (${MIGRATIONS.length}): refusing to run`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    await db.transaction(async (tx) => {
      await tx.exec(MIGRATIONS[version] ?? "");
      await tx.exec(`PRAGMA user_version = ${version + 1}`);
    });
  }
  return MIGRATIONS.length;
}
