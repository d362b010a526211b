"""Score the crisis detector per tier and per category on the labelled sets."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from shared.engine.safety import SafetyAssessment, assess, assess_conversation
from shared.protocol import Safety

Row = dict[str, object]


@dataclass(frozen=True)
class CrisisScore:
    """The crisis tier alone: recall on crisis messages and false-positive rate on ordinary ones."""

    recall: float
    false_positive_rate: float
    positives: int
    negatives: int
    missed: tuple[str, ...]
    false_alarms: tuple[str, ...]


@dataclass(frozen=True)
class TierScore:
    """Both tiers on one set (or one category or language of it)."""

    positives: int
    negatives: int
    #: Crisis messages answered with the crisis answer.
    crisis_recall: float
    #: Crisis messages that reached at least the concern tier (the resources are shown).
    concern_recall: float
    #: Ordinary messages answered with the crisis answer.
    crisis_false_alarm_rate: float
    #: Ordinary messages that reached at least the concern tier.
    concern_false_alarm_rate: float
    missed: tuple[str, ...]
    missed_entirely: tuple[str, ...]
    false_alarms: tuple[str, ...]
    concern_alarms: tuple[str, ...]


@dataclass(frozen=True)
class ConversationScore:
    """Multi-turn rows, each labelled with the level the last message should get given the earlier ones."""

    rows: int
    exact: float
    crisis_recall: float
    concern_recall: float
    false_crisis_rate: float
    wrong: tuple[str, ...]


def load(path: Path) -> list[Row]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def tier_score(rows: Iterable[Row], judge: Callable[[str], SafetyAssessment] = assess) -> TierScore:
    """Both tiers' recall on the crisis rows and false-alarm rates on the others."""
    heard = [(str(r["text"]), bool(r["crisis"]), judge(str(r["text"]))) for r in rows]
    positives = [(t, a) for t, crisis, a in heard if crisis]
    negatives = [(t, a) for t, crisis, a in heard if not crisis]
    missed = tuple(t for t, a in positives if not a.crisis)
    missed_entirely = tuple(t for t, a in positives if not a.concern)
    alarms = tuple(t for t, a in negatives if a.crisis)
    concern_alarms = tuple(t for t, a in negatives if a.concern)
    return TierScore(
        positives=len(positives),
        negatives=len(negatives),
        crisis_recall=1 - _rate(len(missed), len(positives)),
        concern_recall=1 - _rate(len(missed_entirely), len(positives)),
        crisis_false_alarm_rate=_rate(len(alarms), len(negatives)),
        concern_false_alarm_rate=_rate(len(concern_alarms), len(negatives)),
        missed=missed,
        missed_entirely=missed_entirely,
        false_alarms=alarms,
        concern_alarms=concern_alarms,
    )


def crisis_score(path: Path) -> CrisisScore:
    """Recall on the crisis phrases and false-positive rate on the ordinary ones (the crisis tier)."""
    score = tier_score(load(path))
    return CrisisScore(
        recall=score.crisis_recall,
        false_positive_rate=score.crisis_false_alarm_rate,
        positives=score.positives,
        negatives=score.negatives,
        missed=score.missed,
        false_alarms=score.false_alarms,
    )


def scores_by(rows: Sequence[Row], field: str) -> dict[str, TierScore]:
    """Both tiers per value of a field ("category", "lang"), for sets that label it."""
    values = sorted({str(r[field]) for r in rows if r.get(field)})
    return {value: tier_score(r for r in rows if str(r.get(field)) == value) for value in values}


def conversation_score(path: Path) -> ConversationScore:
    """How often the last message of each conversation gets the labelled level."""
    rows = load(path)
    results = []
    for row in rows:
        earlier = [str(t) for t in row["earlier"]] if isinstance(row["earlier"], list) else []
        got = assess_conversation(str(row["text"]), earlier).level
        results.append((Safety(str(row["level"])), got, str(row["text"])))
    crisis = [got for want, got, _ in results if want is Safety.CRISIS]
    at_risk = [got for want, got, _ in results if want is not Safety.OK]
    below = [got for want, got, _ in results if want is not Safety.CRISIS]
    return ConversationScore(
        rows=len(results),
        exact=_rate(sum(want is got for want, got, _ in results), len(results)),
        crisis_recall=_rate(sum(g is Safety.CRISIS for g in crisis), len(crisis)),
        concern_recall=_rate(sum(g is not Safety.OK for g in at_risk), len(at_risk)),
        false_crisis_rate=_rate(sum(g is Safety.CRISIS for g in below), len(below)),
        wrong=tuple(f"{want} heard as {got}: {text}" for want, got, text in results if want is not got),
    )


def _line(name: str, score: TierScore) -> str:
    return (
        f"{name}: crisis recall {score.crisis_recall:.3f}, concern+ recall {score.concern_recall:.3f} "
        f"({score.positives} crisis); false alarms crisis {score.crisis_false_alarm_rate:.3f}, "
        f"concern+ {score.concern_false_alarm_rate:.3f} ({score.negatives} ordinary)"
    )


def _errors(score: TierScore) -> list[str]:
    lines = [f"    missed (not even concern): {t}" for t in score.missed_entirely]
    lines += [f"    concern, not crisis: {t}" for t in score.missed if t not in score.missed_entirely]
    lines += [f"    false crisis: {t}" for t in score.false_alarms]
    lines += [f"    false concern: {t}" for t in score.concern_alarms if t not in score.false_alarms]
    return lines


def report(data_dir: Path, show_errors: bool) -> list[str]:
    """Printable lines: every crisis*.jsonl set per tier, per category and language, and the conversations."""
    lines: list[str] = []
    for path in sorted(data_dir.glob("crisis*.jsonl")):
        if path.name == "crisis_conversations.jsonl":
            continue
        rows = load(path)
        score = tier_score(rows)
        lines.append(_line(f"crisis {path.name}", score))
        for field in ("category", "lang"):
            for value, part in scores_by(rows, field).items():
                lines.append(_line(f"  {field} {value}", part))
        if show_errors:
            lines += _errors(score)
    conversations = data_dir / "crisis_conversations.jsonl"
    if conversations.exists():
        talk = conversation_score(conversations)
        lines.append(
            f"crisis {conversations.name}: level right {talk.exact:.3f} ({talk.rows} conversations), crisis recall "
            f"{talk.crisis_recall:.3f}, concern+ recall {talk.concern_recall:.3f}, "
            f"false crisis {talk.false_crisis_rate:.3f}"
        )
        if show_errors:
            lines += [f"    {w}" for w in talk.wrong]
    return lines
