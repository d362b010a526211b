"""The REST API's routes, defined once: the resolver, CDK's HTTP API, the local gateway and the clients read them."""

PREFIX = "/api/v1"
HEALTH = f"{PREFIX}/health"
OPENAPI = f"{PREFIX}/openapi.json"
CHAT = f"{PREFIX}/chat"
FEEDBACK = f"{PREFIX}/feedback"
ACCOUNT = f"{PREFIX}/account"
ACCOUNT_EXPORT = f"{ACCOUNT}/export"
#: A share link's public JSON and its PNG card (HTTP API's `{name}` path parameters; `resolver_path` for Powertools).
SHARE = f"{PREFIX}/shares/{{share_id}}"
SHARE_CARD = f"{SHARE}/card.png"
VERSE_OF_THE_DAY = f"{PREFIX}/verse-of-the-day"

#: Route key ("METHOD /path", as HTTP API names routes) -> whether the Cognito JWT authorizer guards it.
ROUTES: dict[str, bool] = {
    f"GET {HEALTH}": False,
    f"GET {OPENAPI}": False,
    f"POST {CHAT}": True,
    f"POST {FEEDBACK}": True,
    f"GET {ACCOUNT_EXPORT}": True,
    f"DELETE {ACCOUNT}": True,
    # Public on purpose: anyone holding a share link reads its verse and line (docs/security.md: Share links).
    f"GET {SHARE}": False,
    f"GET {SHARE_CARD}": False,
    f"GET {VERSE_OF_THE_DAY}": False,
}
#: The one Lambda function behind every route.
HANDLER = "handlers.rest_api"


def resolver_path(path: str) -> str:
    """A route's path as Powertools' resolver writes its parameters: `{share_id}` becomes `<share_id>`."""
    return path.replace("{", "<").replace("}", ">")


def share_path(share_id: str) -> str:
    return SHARE.replace("{share_id}", share_id)


def share_card_path(share_id: str) -> str:
    return SHARE_CARD.replace("{share_id}", share_id)
