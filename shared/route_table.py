"""Which handler module serves which WebSocket route: the emulator, replay and CDK all read this table."""

#: routeSelectionExpression of the API.
ROUTE_SELECTION_EXPRESSION = "$request.body.action"

#: The predefined routes of a WebSocket API (custom route keys must not start with `$`).
CONNECT = "$connect"
DISCONNECT = "$disconnect"
DEFAULT = "$default"

#: The $connect REQUEST authorizer.
AUTHORIZER = "handlers.authorizer"

#: Route key -> handler module (each exposes `handler(event, context)`).
ROUTES: dict[str, str] = {
    CONNECT: "handlers.connect",
    DISCONNECT: "handlers.disconnect",
    DEFAULT: "handlers.default",
    "sendMessage": "handlers.send_message",
    "ping": "handlers.ping",
    "feedback": "handlers.feedback",
    "history": "handlers.history",
    "resume": "handlers.resume",
    "stop": "handlers.stop",
    "deleteHistory": "handlers.delete_history",
    "renameConversation": "handlers.rename_conversation",
    # Verse capabilities (issue 17).
    "settings": "handlers.settings",
    "verseOfTheDay": "handlers.verse_of_the_day",
    "anotherVerse": "handlers.another_verse",
    "saveVerse": "handlers.save_verse",
    "savedVerses": "handlers.saved_verses",
    # Share links (issue 17 item 3); their public pages are REST routes (shared/rest/paths.py).
    "shareVerse": "handlers.share_verse",
    "sharedVerses": "handlers.shared_verses",
    "revokeShare": "handlers.revoke_share",
}
