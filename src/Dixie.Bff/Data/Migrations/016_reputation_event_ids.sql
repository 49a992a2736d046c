-- reputation_events (created by 007) gets event_id: the id of the ingested event, which is how a
-- repeated ingest is recognised (writers insert with ON CONFLICT (event_id) DO NOTHING). No table is
-- created here.
--
-- Legacy rows carry the id only inside `data`. It is copied to the column for the first row (lowest
-- id) of each value that is a well-formed 8-4-4-4-12 UUID in any letter case, compared
-- case-insensitively through the uuid type, and only when no row already holds that UUID. Later
-- repeats and malformed values stay null, so the unique index cannot fail on legacy data and a
-- second run finds nothing to set. The CHECK is NOT VALID: it binds every new row and leaves the
-- legacy rows unvalidated.

ALTER TABLE reputation_events ADD COLUMN IF NOT EXISTS event_id uuid;

WITH legacy AS (
    SELECT id,
           CASE
               WHEN data->>'event_id' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
               THEN (data->>'event_id')::uuid
           END AS parsed_id
    FROM reputation_events
    WHERE event_id IS NULL
),
first_occurrence AS (
    SELECT DISTINCT ON (parsed_id) id, parsed_id
    FROM legacy
    WHERE parsed_id IS NOT NULL
    ORDER BY parsed_id, id
)
UPDATE reputation_events AS target
SET event_id = first_occurrence.parsed_id
FROM first_occurrence
WHERE target.id = first_occurrence.id
  AND NOT EXISTS (
      SELECT 1 FROM reputation_events AS holder WHERE holder.event_id = first_occurrence.parsed_id);

CREATE UNIQUE INDEX IF NOT EXISTS idx_rep_events_event_id ON reputation_events (event_id);

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conrelid = 'reputation_events'::regclass
          AND conname = 'reputation_events_event_id_present'
    ) THEN
        ALTER TABLE reputation_events
            ADD CONSTRAINT reputation_events_event_id_present CHECK (event_id IS NOT NULL) NOT VALID;
    END IF;
END
$$;
