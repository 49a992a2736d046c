-- reputation_population: the single row (id = 1) holding the persisted Welford state of the
-- population prior (spec 06): count, mean and m2 (sum of squared deviations). seed_* keep the
-- values taken at adoption and legacy_event_max_id the highest reputation_events.id that existed
-- then, so later ids are known to be this service's own.
--
-- The seed comes from the aggregates whose data.personal_score is a JSON number, the same set the
-- TypeScript service fed its in-memory aggregator at every boot: n, their average and their
-- population variance × n. A fresh database gets all zeros. ON CONFLICT DO NOTHING makes the seed a
-- first-run-only snapshot.

CREATE TABLE IF NOT EXISTS reputation_population (
    id                  smallint         NOT NULL,
    count               bigint           NOT NULL DEFAULT 0,
    mean                double precision NOT NULL DEFAULT 0,
    m2                  double precision NOT NULL DEFAULT 0,
    seed_count          bigint           NOT NULL DEFAULT 0,
    seed_mean           double precision NOT NULL DEFAULT 0,
    seed_m2             double precision NOT NULL DEFAULT 0,
    legacy_event_max_id bigint           NOT NULL DEFAULT 0,
    updated_at          timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT reputation_population_pkey PRIMARY KEY (id),
    CONSTRAINT reputation_population_single_row CHECK (id = 1),
    CONSTRAINT reputation_population_count_nonneg CHECK (count >= 0 AND seed_count >= 0),
    CONSTRAINT reputation_population_m2_nonneg CHECK (m2 >= 0 AND seed_m2 >= 0)
);

INSERT INTO reputation_population
    (id, count, mean, m2, seed_count, seed_mean, seed_m2, legacy_event_max_id)
SELECT 1, scores.n, scores.mean, scores.m2, scores.n, scores.mean, scores.m2,
       (SELECT COALESCE(max(id), 0) FROM reputation_events)
FROM (
    SELECT count(score) AS n,
           COALESCE(avg(score), 0) AS mean,
           COALESCE(var_pop(score) * count(score), 0) AS m2
    FROM (
        SELECT (data->>'personal_score')::double precision AS score
        FROM reputation_aggregates
        WHERE jsonb_typeof(data->'personal_score') = 'number'
    ) AS numeric_scores
) AS scores
ON CONFLICT (id) DO NOTHING;
