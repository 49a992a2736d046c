-- Rolls back 016: drops the event_id check, its unique index and the column. The event ids stay
-- inside each row's `data`.

ALTER TABLE IF EXISTS reputation_events DROP CONSTRAINT IF EXISTS reputation_events_event_id_present;
DROP INDEX IF EXISTS idx_rep_events_event_id;
ALTER TABLE IF EXISTS reputation_events DROP COLUMN IF EXISTS event_id;
