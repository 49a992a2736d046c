-- reputation_events: the append-only log of ingested reputation events. The bigserial id is the
-- replay order. The service only ever inserts; nothing in the database enforces that, the
-- application does (spec 06). 016 adds the event_id column used to recognise duplicate ingests.
--
-- Same definition as the TypeScript service's file of this name (spec 09 §5.3).

CREATE TABLE IF NOT EXISTS reputation_events (
    id         bigserial   NOT NULL,
    nft_id     text        NOT NULL,
    event_type text        NOT NULL,
    data       jsonb       NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reputation_events_pkey PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS idx_rep_events_nft ON reputation_events (nft_id, id);
