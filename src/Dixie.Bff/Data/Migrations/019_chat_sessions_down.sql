-- Rolls back 019: drops chat_sessions. Existing finn sessions lose their owner and become
-- unreachable through this service.

DROP TABLE IF EXISTS chat_sessions;
