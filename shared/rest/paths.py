"""The REST API's routes, defined once: the resolver, CDK's HTTP API, the local gateway and the clients read them."""

PREFIX = "/api/v1"
HEALTH = f"{PREFIX}/health"
OPENAPI = f"{PREFIX}/openapi.json"
CHAT = f"{PREFIX}/chat"
FEEDBACK = f"{PREFIX}/feedback"
ACCOUNT = f"{PREFIX}/account"
ACCOUNT_EXPORT = f"{ACCOUNT}/export"
VERSE_OF_THE_DAY = f"{PREFIX}/verse-of-the-day"

#: Route key ("METHOD /path", as HTTP API names routes) -> whether the Cognito JWT authorizer guards it.
ROUTES: dict[str, bool] = {
    f"GET {HEALTH}": False,
    f"GET {OPENAPI}": False,
    f"POST {CHAT}": True,
    f"POST {FEEDBACK}": True,
    f"GET {ACCOUNT_EXPORT}": True,
    f"DELETE {ACCOUNT}": True,
    f"GET {VERSE_OF_THE_DAY}": False,
}
#: The one Lambda function behind every route.
HANDLER = "handlers.rest_api"
