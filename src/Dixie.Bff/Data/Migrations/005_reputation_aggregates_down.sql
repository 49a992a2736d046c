-- Rolls back 005: drops reputation_aggregates and every aggregate in it.

DROP TABLE IF EXISTS reputation_aggregates;
