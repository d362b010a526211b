"""IAM as the local stand-ins enforce it: who signed a request (SigV4), and whether their policy allows an action.

The evaluator is small on purpose: identity policies only, Allow and Deny, Action/NotAction and Resource/NotResource
with `*` and `?` wildcards, no conditions (the templates use none; a statement with one is refused, not ignored).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class UnsupportedPolicy(ValueError):
    """A statement uses something the evaluator does not model (a Condition, a Principal)."""


@lru_cache(maxsize=4096)
def _pattern(glob: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)
    return re.compile(f"^{regex}$", re.IGNORECASE if ignore_case else 0)


def _as_list(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def _matches(statement: Mapping[str, Any], key: str, value: str, ignore_case: bool) -> bool:
    """Action/NotAction or Resource/NotResource of a statement against one value."""
    if key in statement:
        return any(_pattern(p, ignore_case).match(value) for p in _as_list(statement[key]))
    negated = "Not" + key
    if negated in statement:
        return not any(_pattern(p, ignore_case).match(value) for p in _as_list(statement[negated]))
    return False


def check_supported(statements: Iterable[Mapping[str, Any]]) -> None:
    for statement in statements:
        unknown = set(statement) - {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource"}
        if unknown:
            raise UnsupportedPolicy(f"statement {statement.get('Sid', '?')} uses {sorted(unknown)}")


def allows(statements: Iterable[Mapping[str, Any]], action: str, resource: str) -> bool:
    """An explicit Allow and no explicit Deny for `action` on `resource` (actions compare case-insensitively)."""
    allowed = False
    for statement in statements:
        if _matches(statement, "Action", action, True) and _matches(statement, "Resource", resource, False):
            if statement["Effect"] == "Deny":
                return False
            allowed = True
    return allowed


@dataclass(frozen=True)
class Principal:
    """A role session as Lambda gives it to a function: its keys and its role's policy statements."""

    arn: str
    access_key_id: str
    secret_access_key: str
    session_token: str | None
    statements: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def allows(self, action: str, resource: str) -> bool:
        return allows(self.statements, action, resource)

    def denial(self, action: str, resource: str) -> str:
        """AWS's sentence for a refused call."""
        return (
            f"User: {self.arn} is not authorized to perform: {action} on resource: {resource} "
            f"because no identity-based policy allows the {action} action"
        )


class NotAuthenticated(Exception):
    """The request is unsigned, signed by an unknown key, or its signature does not match."""


def _between(text: str, start: str, end: str) -> str:
    return text.partition(start)[2].partition(end)[0]


@dataclass
class Principals:
    """Every function's role session of one local stack, by access key (written by the template-driven stack)."""

    account_id: str
    by_key: dict[str, Principal] = field(default_factory=dict)

    def add(self, principal: Principal) -> None:
        self.by_key[principal.access_key_id] = principal

    def caller(self, method: str, path: str, header_items: Iterable[tuple[str, str]], body: bytes) -> Principal:
        """The principal whose key signed this request, after checking the signature as AWS does."""
        headers = {name.lower(): value for name, value in header_items}
        authorization = headers.get("authorization") or ""
        if not authorization.startswith("AWS4-HMAC-SHA256 "):
            raise NotAuthenticated("Missing Authentication Token")
        scope = _between(authorization, "Credential=", ",").split("/")
        principal = self.by_key.get(scope[0])
        if principal is None or len(scope) != 5:
            raise NotAuthenticated("The security token included in the request is invalid.")
        if principal.session_token and headers.get("x-amz-security-token") != principal.session_token:
            raise NotAuthenticated("The security token included in the request is invalid.")
        if not _signature_matches(principal, scope, method, path, headers, body):
            raise NotAuthenticated("The request signature we calculated does not match the signature you provided.")
        return principal

    def save(self, path: Path) -> None:
        """Mode 600 (the file holds every function's secret keys), replaced whole: a reader never sees half of it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"account_id": self.account_id, "principals": [asdict(p) for p in self.by_key.values()]}
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.touch(mode=0o600)
        temporary.chmod(0o600)
        temporary.write_text(json.dumps(data, indent=2) + "\n")
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> Principals:
        data = json.loads(path.read_text())
        principals = cls(data["account_id"])
        for raw in data["principals"]:
            principals.add(Principal(**{**raw, "statements": tuple(raw["statements"])}))
        return principals


class PrincipalsFile:
    """Principals read from their file and read again when it changes: a role's policy edited while the stack
    runs takes effect on the next call, as in AWS."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: int | None = None
        self._current = Principals("")

    def current(self) -> Principals:
        stamp = self.path.stat().st_mtime_ns
        with self._lock:
            if stamp != self._stamp:
                self._current, self._stamp = Principals.load(self.path), stamp
            return self._current

    @property
    def account_id(self) -> str:
        return self.current().account_id

    def caller(self, method: str, path: str, header_items: Iterable[tuple[str, str]], body: bytes) -> Principal:
        return self.current().caller(method, path, header_items, body)


def _signature_matches(
    principal: Principal, scope: list[str], method: str, path: str, headers: Mapping[str, str], body: bytes
) -> bool:
    authorization = headers["authorization"]
    signed = _between(authorization, "SignedHeaders=", ",").split(";")
    request = AWSRequest(method=method, url=path, data=body, headers={k: v for k, v in headers.items() if k in signed})
    request.context["timestamp"] = headers.get("x-amz-date", "")
    credentials = Credentials(principal.access_key_id, principal.secret_access_key, principal.session_token)
    auth = SigV4Auth(credentials, scope[3], scope[2])
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    return expected == authorization.partition("Signature=")[2].strip()
