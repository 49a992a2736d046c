-- Rolls back 007: drops reputation_events (and its id sequence) with every logged event.

DROP TABLE IF EXISTS reputation_events;
