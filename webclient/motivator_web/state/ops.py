"""Reflex state of the /ops page: operators only (checked here, on the server, from the ID token's cognito:groups),
the dashboard of shared/dashboard.py computed by shared.ops_eval from the local stack's handler log, refreshed
every few seconds while an operator keeps the page open."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import time
from functools import cache
from pathlib import Path
from typing import Any

import reflex as rx

from motivator_web.config import settings
from motivator_web.state.auth import AuthState
from shared.dashboard import OPERATORS_GROUP, Dashboard, Thresholds, dashboard
from shared.ops_eval import Samples, view

ROUTE = "/ops"
REFRESH_S = 3.0
#: A page left open stops refreshing after this long (a reload starts it again).
MAX_REFRESHES = 1200
MINUTES = 30

SIGNED_OUT = "Sign in with an operator account to see the operations dashboard."
EXPIRED = "Your session has expired. Please sign in again to see the operations dashboard."
REFUSED = "This page is for operators. Your account is not in the operators group, so it shows no data."
NO_LOG = (
    "This view reads the local stack's handler log, which this server does not have. In AWS, open the "
    "CloudWatch dashboard of this environment: it draws the same widgets and alarms."
)


def id_claims(id_token: str) -> dict[str, Any]:
    """The claims of an ID token this server received from Cognito itself (never one a browser sent): read, not
    re-verified. An unreadable token has no claims."""
    try:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return {}
    return claims if isinstance(claims, dict) else {}


def refusal(id_token: str, now: float | None = None) -> str:
    """Why this person may not see the dashboard; "" for an operator with a current ID token."""
    claims = id_claims(id_token)
    if not claims or claims.get("token_use") != "id":
        return SIGNED_OUT
    if float(claims.get("exp", 0)) <= (now or time.time()):
        return EXPIRED
    groups = claims.get("cognito:groups") or []
    return "" if isinstance(groups, list) and OPERATORS_GROUP in groups else REFUSED


@cache
def _board() -> Dashboard:
    return dashboard(Thresholds(**settings().ops_thresholds))


@cache
def _samples(path: str) -> Samples:
    """One reader per log for the whole server: every open /ops tab shares what was read."""
    return Samples(Path(path))


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _periods(alarm: dict[str, Any]) -> str:
    """How the alarm is evaluated and how far it is from firing, in words."""
    span = alarm["periodSeconds"] // 60
    if alarm["evaluationPeriods"] == 1:
        return f"over the last {'hour' if span == 60 else f'{span} minutes'}"
    unit = "minutes" if span == 1 else f"{span}-minute periods"
    return (
        f"{alarm['breachingPeriods']} of the last {alarm['evaluationPeriods']} {unit} breaching, "
        f"{alarm['datapointsToAlarm']} needed"
    )


def _cards(snapshot: dict[str, Any]) -> tuple[dict[str, str], dict[str, list[dict[str, Any]]]]:
    """Display texts keyed "<widget>.<series>.<window|latest>" and "<alarm>.<state|value|rule>", and chart rows."""
    texts: dict[str, str] = {}
    charts: dict[str, list[dict[str, Any]]] = {}
    first = snapshot["firstMinuteMs"]
    for key, widget in snapshot["widgets"].items():
        rows: list[dict[str, Any]] = [
            {"minute": time.strftime("%H:%M", time.localtime((first + i * 60_000) / 1000))}
            for i in range(snapshot["windowMinutes"])
        ]
        for index, series in enumerate(widget["series"]):
            # A series whose period is longer than the window (crisis answers per hour) is shown over its period.
            longer = series["periodSeconds"] >= snapshot["windowMinutes"] * 60
            texts[f"{key}.{index}.window"] = _number(series["latest" if longer else "window"])
            texts[f"{key}.{index}.latest"] = _number(series["latest"])
            for row, value in zip(rows, series["points"], strict=True):
                row[f"s{index}"] = value
        charts[key] = rows
    for name, alarm in snapshot["alarms"].items():
        texts[f"{name}.state"] = alarm["state"]
        texts[f"{name}.value"] = _number(alarm["value"])
        comparison = "≥" if alarm["comparison"] == ">=" else ">"
        texts[f"{name}.rule"] = f"{comparison} {_number(alarm['threshold'])}"
        texts[f"{name}.periods"] = _periods(alarm)
    return texts, charts


class OpsState(AuthState):
    """What /ops shows; every var stays empty unless the signed-in person is an operator."""

    #: checking | refused | unavailable | granted
    access: str = "checking"
    message: str = ""
    texts: dict[str, str] = {}
    charts: dict[str, list[dict[str, Any]]] = {}
    updated: str = ""

    _watching: bool = False

    def _allowed(self) -> bool:
        """Checked before any data is read or kept: nothing reaches the browser of someone who is not an operator."""
        why = refusal(self._id_token)
        if why:
            self.access, self.message, self.texts, self.charts, self.updated = "refused", why, {}, {}, ""
            return False
        if not settings().ops_log:
            self.access, self.message = "unavailable", NO_LOG
            return False
        self.access, self.message = "granted", ""
        return True

    @rx.event
    def open_ops(self):
        """on_load of /ops: the check, then the first numbers and the refresh loop."""
        if self._allowed():
            return OpsState.watch

    @rx.event(background=True)
    async def watch(self):
        async with self:
            if self._watching:
                return
            self._watching = True
        try:
            for _ in range(MAX_REFRESHES):
                async with self:
                    if self.router.url.path.rstrip("/") != ROUTE or not self._allowed():
                        return
                    log = str(settings().ops_log)
                snapshot = await asyncio.to_thread(view, _board(), _samples(log), minutes=MINUTES)
                texts, charts = _cards(snapshot)
                async with self:
                    if not self._allowed():  # signed out (or changed accounts) while the numbers were read
                        return
                    self.texts, self.charts = texts, charts
                    self.updated = time.strftime("%H:%M:%S")
                await asyncio.sleep(REFRESH_S)
        finally:
            async with self:
                self._watching = False
