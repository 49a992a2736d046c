-- fleet_outbox: the TypeScript service's outbox for fleet events. This service does not use it
-- (spec 10 publishes from event_outbox, created by 021); it is created so that the schema stays
-- identical to the TypeScript one and an adopted database is recognised (spec 09 §5.8).
-- idx_fleet_outbox_dedup duplicates the unique constraint's index and is kept for that reason only.

CREATE TABLE IF NOT EXISTS fleet_outbox (
    id           uuid         NOT NULL DEFAULT gen_random_uuid(),
    event_type   varchar(64)  NOT NULL,
    payload      jsonb        NOT NULL,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    processed_at timestamptz,
    retry_count  integer      NOT NULL DEFAULT 0,
    dedup_key    varchar(128),
    error        text,
    CONSTRAINT fleet_outbox_pkey PRIMARY KEY (id),
    CONSTRAINT fleet_outbox_dedup_key_key UNIQUE (dedup_key)
);

CREATE INDEX IF NOT EXISTS idx_fleet_outbox_unprocessed ON fleet_outbox (created_at)
    WHERE processed_at IS NULL;
CREATE INDEX IF NOT EXISTS idx_fleet_outbox_dedup ON fleet_outbox (dedup_key)
    WHERE dedup_key IS NOT NULL;
