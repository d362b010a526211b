"""Measure the fallback composer's variety and echo grammar on a set of varied messages."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from shared.engine.composer import compose, length_bucket
from shared.engine.composer_answers import questions
from shared.engine.composer_echo import is_clean_noun_phrase
from shared.engine.composer_pools import BANNED_PHRASES
from shared.engine.emotions import EmotionResult
from shared.engine.scripture import VerseChoice, get_catalogue

MESSAGES = "composer_messages.jsonl"
#: Answers per simulated session: each one is composed with every earlier answer of its session.
SESSION = 20

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*|[^\sA-Za-z]")
_DETERMINERS = frozenset({"your", "the", "his", "her", "their"})
_OWNERS = {"my": "your", "our": "your"}
_BANNED = tuple(re.compile(pattern) for pattern in BANNED_PHRASES)


class Composer(Protocol):
    def __call__(
        self, message: str, *, emotion: EmotionResult, verse: VerseChoice, seed: int, previous: Sequence[str]
    ) -> str: ...


@dataclass
class _Tally:
    answers: int = 0
    sentences: list[str] = field(default_factory=list)
    repeats: int = 0
    lengths: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    asked: int = 0
    acknowledged: int = 0
    detected: int = 0
    false_alarms: int = 0
    echoes: list[str] = field(default_factory=list)
    banned: list[str] = field(default_factory=list)
    themed: int = 0
    with_theme: int = 0
    errors: list[str] = field(default_factory=list)


def _rows(data_dir: Path) -> list[dict[str, object]]:
    text = (data_dir / MESSAGES).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def echoed_fragments(answer: str, message: str) -> list[str]:
    """Runs of the answer copied from the message ("my" read as "your"), from a determiner on, 2+ words."""
    source = [_OWNERS.get(t, t) for t in _TOKEN.findall(message.lower().replace("\u2019", "'"))]
    found: list[str] = []
    for sentence in split_sentences(answer):
        words = _TOKEN.findall(sentence)
        lower = [w.lower() for w in words]
        i = 0
        while i < len(words):
            if lower[i] not in _DETERMINERS:
                i += 1
                continue
            best = 0
            for start in (p for p, token in enumerate(source) if token == lower[i]):
                run = 0
                while i + run < len(lower) and start + run < len(source) and lower[i + run] == source[start + run]:
                    run += 1
                best = max(best, run)
            words_in_run = [w for w in words[i : i + best] if w[0].isalpha()]
            if len(words_in_run) >= 2:
                found.append(" ".join(words[i : i + best]).rstrip(" .,!?;:").replace(" '", "'"))
                i += best
            else:
                i += 1
    return found


def _verse(emotion: str, used: list[str], seed: int) -> VerseChoice:
    catalogue = get_catalogue()
    return catalogue.choose(emotion if emotion in catalogue.emotions else "seeking", used=used, seed=seed)


def _session(rows: Sequence[dict[str, object]], composer: Composer, tally: _Tally, first_seed: int) -> None:
    previous: list[str] = []
    used: list[str] = []
    seen: set[str] = set()
    for offset, row in enumerate(rows):
        text, label = str(row["text"]), str(row["emotion"])
        verse = _verse(label, used, first_seed + offset)
        emotion = EmotionResult(label, 0.8, MappingProxyType({label: 1.0}))
        answer = composer(text, emotion=emotion, verse=verse, seed=first_seed + offset, previous=tuple(previous))
        _score(text, row, answer, verse, tally)
        for sentence in split_sentences(answer):
            tally.repeats += sentence.casefold() in seen
            seen.add(sentence.casefold())
        previous.append(answer)
        used.append(verse.reference)


def _score(text: str, row: dict[str, object], answer: str, verse: VerseChoice, tally: _Tally) -> None:
    said = split_sentences(answer)
    tally.answers += 1
    tally.sentences.extend(said)
    listed = row.get("asks")
    asks = [str(word) for word in listed] if isinstance(listed, list) else []
    tally.lengths[f"{length_bucket(text)}{' question' if asks else ''}"].append(len(said))
    found = bool(questions(text))
    if asks:
        tally.asked += 1
        tally.detected += found
        others = " ".join(s for s in said if verse.reference not in s).lower()
        if any(word.lower() in others for word in asks):
            tally.acknowledged += 1
        else:
            tally.errors.append(f"    unanswered: {text[:70]!r} -> {answer[:160]!r}")
    else:
        tally.false_alarms += found
    for fragment in echoed_fragments(answer, text):
        tally.echoes.append(fragment)
        if not is_clean_noun_phrase(fragment):
            tally.errors.append(f"    broken echo: {fragment!r} in {answer[:120]!r}")
    lowered = answer.lower().replace("\u2019", "'")
    tally.banned.extend(m.group(0) for pattern in _BANNED for m in pattern.finditer(lowered))
    if verse.theme:
        tally.with_theme += 1
        tally.themed += verse.theme.strip().rstrip(".") in answer


def _lines(tally: _Tally, stress: _Tally, show_errors: bool) -> list[str]:
    distinct = len({s.casefold() for s in tally.sentences})
    clean = sum(is_clean_noun_phrase(fragment) for fragment in tally.echoes)
    per_twenty = SESSION * tally.repeats / max(1, tally.answers)
    lines = [
        f"composer ({MESSAGES}, {tally.answers} answers in sessions of {SESSION})",
        f"  distinct sentences       {distinct}/{len(tally.sentences)} ({distinct / max(1, len(tally.sentences)):.1%})",
        f"  repeated per {SESSION} answers  {per_twenty:.2f} (mixed sessions)",
        f"  repeated per {SESSION} answers  {SESSION * stress.repeats / max(1, stress.answers):.2f} "
        f"(one message {SESSION} times, per emotion; {stress.answers} answers)",
    ]
    for bucket in sorted(tally.lengths):
        counts = Counter(tally.lengths[bucket])
        shown = ", ".join(f"{n}: {counts[n]}" for n in sorted(counts))
        mean = sum(tally.lengths[bucket]) / len(tally.lengths[bucket])
        lines.append(f"  sentences, {bucket:<17} mean {mean:.1f}  ({shown})")
    lines += [
        f"  questions acknowledged   {tally.acknowledged}/{tally.asked} "
        f"(detector found {tally.detected}/{tally.asked}, {tally.false_alarms} false alarms)",
        f"  echoed fragments         {len(tally.echoes)}, clean noun phrases {clean}/{len(tally.echoes)}",
        f"  verse theme in bridge    {tally.themed}/{tally.with_theme} answers whose verse has a theme",
        f"  banned phrases           {len(tally.banned) + len(stress.banned)}"
        + (f" ({', '.join(sorted(set(tally.banned + stress.banned)))})" if tally.banned or stress.banned else ""),
    ]
    if show_errors:
        lines += tally.errors
    return lines


def report(data_dir: Path, *, composer: Composer = compose, show_errors: bool = False) -> list[str]:
    """The composer's figures on `composer_messages.jsonl`, one printable line each."""
    rows = _rows(data_dir)
    tally, stress = _Tally(), _Tally()
    for start in range(0, len(rows), SESSION):
        _session(rows[start : start + SESSION], composer, tally, first_seed=start)
    firsts: dict[str, dict[str, object]] = {}
    for row in rows:
        firsts.setdefault(str(row["emotion"]), row)
    for index, row in enumerate(firsts.values()):
        _session([row] * SESSION, composer, stress, first_seed=1000 * (index + 1))
    return _lines(tally, stress, show_errors)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "tests" / "data")
    parser.add_argument("--show-errors", action="store_true", help="list unanswered questions and broken echoes")
    args = parser.parse_args()
    for line in report(args.data, show_errors=args.show_errors):
        print(line)  # noqa: T201
