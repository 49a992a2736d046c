-- chat_sessions: which caller owns each finn chat session (spec 05), for listing a caller's
-- sessions and refusing foreign ones. owner is an EIP-55 wallet or an API key id, told apart by
-- owner_kind; message_count counts the turns completed through this service.

CREATE TABLE IF NOT EXISTS chat_sessions (
    session_id       text        NOT NULL,
    owner            text        NOT NULL,
    owner_kind       text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_activity_at timestamptz NOT NULL DEFAULT now(),
    message_count    integer     NOT NULL DEFAULT 0,
    CONSTRAINT chat_sessions_pkey PRIMARY KEY (session_id),
    CONSTRAINT chat_sessions_session_id_length CHECK (char_length(session_id) BETWEEN 1 AND 256),
    CONSTRAINT chat_sessions_owner_kind CHECK (owner_kind IN ('wallet', 'api_key')),
    CONSTRAINT chat_sessions_message_count_nonneg CHECK (message_count >= 0)
);

-- A caller's sessions, newest activity first.
CREATE INDEX IF NOT EXISTS idx_chat_sessions_owner_activity ON chat_sessions (owner, last_activity_at DESC);
