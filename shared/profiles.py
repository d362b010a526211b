"""The person's own settings (the translation verses are shown in), one item per user in the Conversations table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared import translations
from shared.conversation_items import user_key
from shared.records import now_ms
from shared.storage import call

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

#: The sort key of a user's settings item (`pk` = USER#{userId}), beside their sessions (docs/data-model.md).
PROFILE_SK = "PROFILE"


def profile_key(user_id: str) -> dict[str, str]:
    return {"pk": user_key(user_id), "sk": PROFILE_SK}


class ProfileRepository:
    """Reads and writes a user's settings; DynamoDB failures surface as StorageError."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def translation(self, user_id: str) -> str:
        """The translation this person chose, or the default when they never chose one (or it is withdrawn)."""
        item = call(
            self._table.get_item,
            "reading settings",
            Key=profile_key(user_id),
            ProjectionExpression="#t",
            ExpressionAttributeNames={"#t": "translation"},  # a DynamoDB reserved word
            ConsistentRead=True,
        ).get("Item")
        return translations.or_default(item.get("translation") if item else None)

    def set_translation(self, user_id: str, code: str) -> str:
        """Store the person's choice (an offered code; ValueError otherwise) and return it."""
        chosen = translations.offered(code)
        if chosen is None:
            raise ValueError(f"not an offered translation: {code!r}")
        call(
            self._table.update_item,
            "storing settings",
            Key=profile_key(user_id),
            UpdateExpression="SET #t = :t, userId = :u, updatedAt = :at",
            ExpressionAttributeNames={"#t": "translation"},
            ExpressionAttributeValues={":t": chosen, ":u": user_id, ":at": now_ms()},
        )
        return chosen

    def export(self, user_id: str) -> dict[str, str]:
        """The person's settings as plain data (account export)."""
        return {"translation": self.translation(user_id)}

    def delete(self, user_id: str) -> None:
        """Forget the person's settings (account deletion)."""
        call(self._table.delete_item, "deleting settings", Key=profile_key(user_id))
