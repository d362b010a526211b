"""The REST API's public routes, no sign-in needed: the verse of the day, for the landing page of signed-out visitors.

Public and read-only: the same verse for everyone on a UTC day, no personal data in or out (docs/security.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared import translations
from shared.protocol import Error, ErrorCode
from shared.rest import paths
from shared.rest.errors import Failure, responses
from shared.rest.models import DailyVerseResponse, TranslatedVerse

router = Router()
UNKNOWN_TRANSLATION = Error(
    code=ErrorCode.BAD_REQUEST,
    message=f"That translation is not offered; choose one of {', '.join(translations.CODES)}.",
)
#: No token is asked for, so API Gateway never answers 401 here.
_RESPONSES = {status: described for status, described in responses(DailyVerseResponse).items() if status != 401}


@router.get(
    paths.VERSE_OF_THE_DAY,
    summary="Today's verse (UTC day), the same for everyone; no sign-in needed",
    responses=_RESPONSES,
)
def verse_of_the_day(
    translation: Annotated[
        str | None,
        Query(
            description=f"One of the offered translations (default {translations.DEFAULT}).",
            json_schema_extra={"enum": list(translations.CODES)},
        ),
    ] = None,
) -> Response[DailyVerseResponse]:
    from shared.engine.daily import today  # the engine loads the bundled Bible: only when a verse is asked for
    from shared.engine.daily import verse_of_the_day as daily

    code = translations.DEFAULT if translation is None else translations.offered(translation)
    if code is None:
        raise Failure(UNKNOWN_TRANSLATION)
    day = today()
    verse = daily(day, code)
    body = DailyVerseResponse(
        day=day, verse=TranslatedVerse(reference=verse.reference, text=verse.text, translation=verse.translation)
    )
    headers = {"Cache-Control": f"public, max-age={seconds_left(day)}"}
    return Response(HTTPStatus.OK.value, content_types.APPLICATION_JSON, body, headers=headers)


def seconds_left(day: date, now: datetime | None = None) -> int:
    """Seconds until `day` ends in UTC (at least 1): how long a copy of its verse stays right."""
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
    return max(1, int((end - (now or datetime.now(UTC))).total_seconds()))
