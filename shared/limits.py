"""Every numeric limit of the product and of API Gateway, defined once."""

# Wire protocol (DESIGN.md section 4).
MESSAGE_MAX_CHARS = 2000
FEEDBACK_COMMENT_MAX_CHARS = 1000
HISTORY_PAGE_MAX = 50
HISTORY_PAGE_DEFAULT = 20
#: Characters of a conversation's title: a first message is cut to it, a title the person types is refused past it.
TITLE_MAX_CHARS = 60
#: A history cursor is the base64url of one small DynamoDB key (about 250 characters).
HISTORY_CURSOR_MAX_CHARS = 1024
#: The largest integer every JSON reader (a browser's included) holds exactly: bounds seq numbers and cursor keys.
SAFE_INTEGER_MAX = 2**53 - 1
#: Deepest nesting of arrays and objects in a client frame (a valid frame has 1). Checked on the raw text, before
#: any parsing, by the gateway's route selection and by parse_client_frame: Python's json recurses per level.
JSON_MAX_DEPTH = 32
#: Characters of a client's own input an error message may quote back (an unknown action).
ECHO_MAX_CHARS = 40
#: Characters of each earlier answer kept on the session item as the model's context.
CONTEXT_ANSWER_MAX_CHARS = 4000
#: Verses shown in a session that are remembered (to avoid repeats): more than the whole catalogue.
USED_REFERENCES_MAX = 500
#: Verses one person may keep saved (small items; the Saved list reads them in one or two queries).
SAVED_VERSES_MAX = 500
SAVED_PAGE_MAX = 50
SAVED_PAGE_DEFAULT = 20
#: Characters of the optional line a person writes beside a shared verse (after trimming).
SHARE_LINE_MAX_CHARS = 140
#: Live share links one person may hold (revoking one frees its place); listed in one query like saved verses.
SHARES_MAX = 200
#: Seconds a public share page or card may be cached: a revoked link stops showing within this.
SHARE_CACHE_MAX_AGE_S = 30
#: Days a revoked link's owner item is kept (marked revoked, then TTL-deleted): revoking it again is not an error.
REVOKED_SHARE_KEPT_DAYS = 30

# API Gateway WebSocket quotas (reference E.1); the emulator enforces them, the handlers respect them.
WS_FRAME_MAX_BYTES = 32 * 1024
WS_MESSAGE_MAX_BYTES = 128 * 1024
#: The largest frame the server posts, measured on its serialised bytes (history pages are cut to fit). Under the
#: 128 KB message quota whether AWS means 131 072 or 128 000 bytes, with room to spare.
WS_POST_MAX_BYTES = 120 * 1024
WS_IDLE_TIMEOUT_S = 10 * 60
WS_MAX_DURATION_S = 2 * 60 * 60
WS_INTEGRATION_TIMEOUT_S = 29.0
WS_CLOSE_TOO_LARGE = 1009
WS_CLOSE_INVALID_UTF8 = 1007
WS_CLOSE_GOING_AWAY = 1001
AUTHORIZER_CONTEXT_MAX_BYTES = 8 * 1024

# Token coalescing before PostToConnection (DESIGN.md section 6).
COALESCE_INTERVAL_S = 0.040
COALESCE_MAX_HOLD_S = 0.050

# Authorizer.
#: Cognito access tokens are ~1 KB; anything far larger is refused before any parsing.
TOKEN_MAX_BYTES = 4 * 1024
JWKS_REFETCH_MIN_INTERVAL_S = 10.0
JWKS_CACHE_TTL_S = 3600.0
JWKS_FETCH_TIMEOUT_S = 3.0

# Daily allowance (shared.allowance; the allowance itself is the setting DAILY_MESSAGE_ALLOWANCE).
#: Clients show "N messages left today" once this few or fewer are left.
ALLOWANCE_SHOWN_AT = 5

# Connection records expire after API Gateway's maximum connection duration, plus slack.
CONNECTION_TTL_S = WS_MAX_DURATION_S + 10 * 60

# Retention of conversations (docs/data-model.md: Retention). Every item of a conversation carries the TTL
# attribute; DynamoDB deletes it within a few days of that epoch second.
#: Days a conversation's items are kept after they were written (the session: after its last message).
CONVERSATION_RETENTION_DAYS = 90
DAY_S = 24 * 60 * 60

# Stop requests: the streaming answer reads its turn's stop flag this often, so a stop takes effect within
# STOP_LATENCY_MAX_S (the interval plus one read on loopback or in-region).
STOP_LATENCY_MAX_S = 0.25
STOP_POLL_INTERVAL_S = 0.2
