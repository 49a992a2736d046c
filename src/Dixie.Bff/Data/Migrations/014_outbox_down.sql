-- Rolls back 014: drops fleet_outbox and its rows.

DROP TABLE IF EXISTS fleet_outbox;
