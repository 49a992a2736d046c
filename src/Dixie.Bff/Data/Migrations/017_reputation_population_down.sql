-- Rolls back 017: drops reputation_population. The next apply seeds it again from the aggregates
-- that exist at that time.

DROP TABLE IF EXISTS reputation_population;
