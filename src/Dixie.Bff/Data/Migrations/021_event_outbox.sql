-- event_outbox: the transactional outbox for every NATS signal (spec 10). A writer inserts the
-- complete envelope in the same transaction as the change it announces; the outbox worker publishes
-- rows to JetStream and sets published_at. id is the UUID v7 the writer generated and equals the
-- envelope id and the Nats-Msg-Id; available_at delays a retry (backoff); last_error holds the last
-- sanitised failure; dedup_key lets writers insert with ON CONFLICT (dedup_key) DO NOTHING;
-- traceparent carries the writing request's trace context to the publish.
--
-- The statement-level trigger sends one notification on channel dixie_outbox per insert statement.
-- NOTIFY is delivered at commit and dropped on rollback, so writers never notify by hand.

CREATE TABLE IF NOT EXISTS event_outbox (
    id           uuid        NOT NULL,
    subject      text        NOT NULL,
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    available_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    attempts     integer     NOT NULL DEFAULT 0,
    last_error   text,
    dedup_key    text,
    traceparent  text,
    CONSTRAINT event_outbox_pkey PRIMARY KEY (id),
    CONSTRAINT event_outbox_subject_check CHECK (subject LIKE 'dixie.signal.%'),
    CONSTRAINT event_outbox_envelope_matches
        CHECK (payload->>'id' = id::text AND payload->>'subject' = subject),
    CONSTRAINT event_outbox_attempts_nonneg CHECK (attempts >= 0),
    CONSTRAINT uq_event_outbox_dedup_key UNIQUE (dedup_key)
);

-- The claim query: unpublished rows that are due, oldest first.
CREATE INDEX IF NOT EXISTS idx_event_outbox_pending ON event_outbox (available_at, created_at)
    WHERE published_at IS NULL;
-- The 7-day cleanup of published rows.
CREATE INDEX IF NOT EXISTS idx_event_outbox_published ON event_outbox (published_at)
    WHERE published_at IS NOT NULL;

CREATE OR REPLACE FUNCTION event_outbox_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('dixie_outbox', '');
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER trg_event_outbox_notify
    AFTER INSERT ON event_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION event_outbox_notify();
