"""Every numeric limit of the product and of API Gateway, defined once."""

# Wire protocol (DESIGN.md section 4).
MESSAGE_MAX_CHARS = 2000
FEEDBACK_COMMENT_MAX_CHARS = 1000
HISTORY_PAGE_MAX = 50
HISTORY_PAGE_DEFAULT = 20
#: Characters of each earlier answer kept on the session item as the model's context.
CONTEXT_ANSWER_MAX_CHARS = 4000
#: Verses shown in a session that are remembered (to avoid repeats): more than the whole catalogue.
USED_REFERENCES_MAX = 500

# API Gateway WebSocket quotas (reference E.1); the emulator enforces them, the handlers respect them.
WS_FRAME_MAX_BYTES = 32 * 1024
WS_MESSAGE_MAX_BYTES = 128 * 1024
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

# Connection records expire after API Gateway's maximum connection duration, plus slack.
CONNECTION_TTL_S = WS_MAX_DURATION_S + 10 * 60
