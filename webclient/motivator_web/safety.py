"""What an answer's safety level changes on screen: which help card, each help line's honest action labels, the thumbs.

Pure: built from protocol frames and history pages, driven by unit tests without a browser.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from motivator_web.security import allowed_link
from shared.protocol import Safety

#: A concern answer shows this many help lines at once; the others open under "More ways to reach someone".
CONCERN_SHOWN = 3

#: The action words in the language the service itself speaks ("es": 988's Spanish line), English otherwise.
_ACTIONS = {
    "en": ("Call {}", "Text {}", "Open {}"),
    "es": ("Llama al {}", "Envía un texto al {}", "Abrir {}"),
}


@dataclasses.dataclass
class Resource:
    """A help line as shown: each way of reaching it has its own label, in the service's language."""

    name: str = ""
    description: str = ""
    phone: str = ""
    sms: str = ""
    url: str = ""
    #: "tel:…", "sms:…" (digits only) and the labels of the three actions; "" where the line has no such way.
    tel_href: str = ""
    sms_href: str = ""
    call_label: str = ""
    text_label: str = ""
    link_label: str = ""
    #: `url` when it is https to an allowed help-line host (security.LINK_HOSTS), else "" and no link is shown.
    link_href: str = ""
    #: The service's language (BCP 47), "en" unless the server says otherwise: the row carries it as `lang`.
    lang: str = "en"


@dataclasses.dataclass(frozen=True)
class SafetyView:
    """The safety part of one answer card."""

    crisis: bool = False
    concern: bool = False
    #: Crisis: every line, before the verse and the text. Concern: the first few, in a quiet card below the text.
    resources: list[Resource] = dataclasses.field(default_factory=list)
    #: Concern only: the rest, folded away.
    more_resources: list[Resource] = dataclasses.field(default_factory=list)
    #: No "Did this help?" under a crisis answer: rating someone's crisis is not the moment.
    feedback_offered: bool = True


def resource_of(item: Any) -> Resource:
    """One protocol `Resource` (or its dict) as shown."""
    data = item.model_dump(by_alias=True) if hasattr(item, "model_dump") else dict(item)
    text = {key: str(data.get(key) or "").strip() for key in ("name", "description", "phone", "sms", "url")}
    lang = str(data.get("language") or "en").strip() or "en"
    call, write, open_ = _ACTIONS.get(lang.split("-")[0].lower(), _ACTIONS["en"])
    url_label = str(data.get("urlLabel") or data.get("url_label") or "").strip()
    return Resource(
        **text,
        tel_href=f"tel:{_dialable(text['phone'])}" if text["phone"] else "",
        sms_href=f"sms:{_dialable(text['sms'])}" if text["sms"] else "",
        call_label=call.format(text["phone"]) if text["phone"] else "",
        text_label=write.format(text["sms"]) if text["sms"] else "",
        link_label=(url_label or open_.format(_host(text["url"]))) if text["url"] else "",
        link_href=allowed_link(text["url"]),
        lang=lang,
    )


def resources_of(items: Iterable[Any] | None) -> list[Resource]:
    return [resource_of(item) for item in items or []]


def safety_view(safety: Safety | str | None, items: Iterable[Any] | None) -> SafetyView:
    """What the card shows for an answer's safety level and the resources that came with it (live or history)."""
    level = _level(safety)
    resources = resources_of(items)
    if level is Safety.CRISIS:
        return SafetyView(crisis=True, resources=resources, feedback_offered=False)
    if level is Safety.CONCERN:
        return SafetyView(
            concern=bool(resources),
            resources=resources[:CONCERN_SHOWN],
            more_resources=resources[CONCERN_SHOWN:],
        )
    return SafetyView()


def _level(safety: Safety | str | None) -> Safety:
    try:
        return Safety(safety) if safety else Safety.OK
    except ValueError:
        return Safety.OK  # a level this client does not know yet: the ordinary answer


def _dialable(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit() or ch == "+")


def _host(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")
