"""Issue 19: every metric the dashboard reads is emitted by the code, and every metric the code emits is on it."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from shared.dashboard import Dashboard, Thresholds, dashboard
from shared.metric_names import LOG_FILTERS, MetricName

ROOT = Path(__file__).resolve().parents[2]
#: The code that runs in Lambda: what it emits is what CloudWatch (and the local ops view) can show.
SHIPPED = ("handlers", "shared")
_LOG_LEVELS = {"debug", "info", "warning", "error", "exception", "critical"}


def _module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _emitted_names() -> tuple[set[str], list[str]]:
    """The names passed to `add_metric` across the shipped code, and the calls whose name is not a MetricName member."""
    names: set[str] = set()
    unreadable: list[str] = []
    for path in sorted(p for package in SHIPPED for p in (ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr != "add_metric":
                continue
            name = next((k.value for k in node.keywords if k.arg == "name"), node.args[0] if node.args else None)
            is_member = (
                isinstance(name, ast.Attribute) and isinstance(name.value, ast.Name) and name.value.id == "MetricName"
            )
            if is_member:
                assert isinstance(name, ast.Attribute)
                names.add(MetricName[name.attr].value)
            else:
                unreadable.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return names, unreadable


def _logged_messages() -> set[str]:
    """The first argument of every logger call in the shipped code, constants resolved through their module."""
    messages: set[str] = set()
    for path in sorted(p for package in SHIPPED for p in (ROOT / package).rglob("*.py")):
        module = None
        for node in ast.walk(ast.parse(path.read_text())):
            is_log = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _LOG_LEVELS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "logger"
                and node.args
            )
            if not is_log:
                continue
            assert isinstance(node, ast.Call)
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                messages.add(first.value)
            elif isinstance(first, ast.Name):
                module = module or importlib.import_module(_module_of(path))
                value = getattr(module, first.id, None)
                if isinstance(value, str):
                    messages.add(value)
    return messages


def _produced() -> set[str]:
    emitted, _ = _emitted_names()
    logged = _logged_messages()
    counted = {name.value for name, (_, value) in LOG_FILTERS.items() if value in logged}
    return emitted | counted


def _definition() -> Dashboard:
    return dashboard(Thresholds())


def test_every_metric_on_the_dashboard_is_emitted_by_the_code() -> None:
    """Given the shared dashboard definition and the handlers' and shared/'s source,
    When the names read by its widgets and alarms are compared with those the code emits (EMF) or logs for a filter,
    Then none is missing: a renamed metric would leave a widget empty."""
    read = {str(name) for name in _definition().metrics()}
    assert read - _produced() == set(), "read by the dashboard but never emitted"


def test_every_metric_the_code_emits_is_on_the_dashboard() -> None:
    """Given the code's emitted metrics,
    When compared with what the dashboard reads,
    Then each is on a widget or an alarm: nothing is counted that no operator can see."""
    read = {str(name) for name in _definition().metrics()}
    assert _produced() - read == set(), "emitted but on no widget or alarm"


def test_every_catalogue_name_is_emitted_and_every_emission_names_one() -> None:
    """Given shared/metric_names.py's catalogue,
    When the code's add_metric calls are read,
    Then each passes a MetricName member (a string there would escape this check) and no member is dead."""
    _, unreadable = _emitted_names()
    assert unreadable == [], "add_metric with a name that is not MetricName.<MEMBER>"
    assert {str(m) for m in MetricName} == _produced()
