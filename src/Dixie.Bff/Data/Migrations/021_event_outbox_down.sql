-- Rolls back 021. Refuses while unpublished events exist, because dropping them would lose signals
-- silently; the exception rolls the whole file back, so nothing changes. Otherwise drops the trigger,
-- its function and event_outbox with the published rows.

DO $$
DECLARE
    unpublished bigint;
    oldest timestamptz;
BEGIN
    IF to_regclass('event_outbox') IS NULL THEN
        RETURN;
    END IF;

    -- Writers keep running during a rollback; the lock, held until the file commits, keeps a row
    -- committed after the count from being dropped with the table.
    LOCK TABLE event_outbox IN ACCESS EXCLUSIVE MODE;
    SELECT count(*), min(created_at) INTO unpublished, oldest
    FROM event_outbox WHERE published_at IS NULL;
    IF unpublished > 0 THEN
        RAISE EXCEPTION '021_event_outbox cannot be rolled back: % unpublished event(s) remain, the oldest created at %. Let the outbox worker publish them first.', unpublished, oldest;
    END IF;
END
$$;

DROP TRIGGER IF EXISTS trg_event_outbox_notify ON event_outbox;
DROP FUNCTION IF EXISTS event_outbox_notify();
DROP TABLE IF EXISTS event_outbox;
