-- reputation_baselines: a snapshot of every reputation aggregate that existed when this service
-- adopted the database, one row per nft_id with the aggregate's `data` at that moment. It is the
-- start state of a replay (spec 06).
--
-- The table is created and filled in one step, and only when it does not exist yet: a later run
-- must never add aggregates this service created itself. On a fresh database it stays empty.

DO $$
BEGIN
    IF to_regclass('reputation_baselines') IS NULL THEN
        CREATE TABLE reputation_baselines (
            nft_id      text        NOT NULL,
            data        jsonb       NOT NULL,
            captured_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT reputation_baselines_pkey PRIMARY KEY (nft_id)
        );

        INSERT INTO reputation_baselines (nft_id, data)
        SELECT nft_id, data FROM reputation_aggregates;
    END IF;
END
$$;
