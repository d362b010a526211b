"""Print the offline classifier's accuracy per emotion and the crisis detector's recall and false-positive rate."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from shared.engine import evaluate_crisis
from shared.engine.emotions import EMOTIONS, classify

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"


def load(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def emotion_accuracy(path: Path) -> tuple[float, dict[str, tuple[int, int]]]:
    """Overall accuracy and (correct, total) per labelled emotion; a label outside the taxonomy is listed last."""
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for row in load(path):
        label = str(row["emotion"])
        total[label] += 1
        correct[label] += classify(str(row["text"])).emotion == label
    overall = sum(correct.values()) / max(1, sum(total.values()))
    labels = (*EMOTIONS, *sorted(set(total) - set(EMOTIONS)))
    return overall, {e: (correct[e], total[e]) for e in labels if total[e]}


#: The labelled set the lexicon was written with, then two sets written blind: the lexicon was later tuned with
#: the first in view, never with the second, which is the honest measure of how it generalises.
EMOTION_SETS = ("emotions.jsonl", "emotions_blind.jsonl", "emotions_blind_2.jsonl")


def emotion_misses(path: Path) -> list[tuple[str, str, str]]:
    """(expected, classified, text) for every labelled phrase the classifier gets wrong."""
    rows = ((str(r["emotion"]), classify(str(r["text"])).emotion, str(r["text"])) for r in load(path))
    return [row for row in rows if row[0] != row[1]]


def print_emotion_set(path: Path, *, show_errors: bool = False) -> None:
    """One line with the set's overall accuracy, then one per emotion (and the misses if asked)."""
    overall, per_emotion = emotion_accuracy(path)
    count = sum(total for _, total in per_emotion.values())
    print(f"emotion accuracy {path.name}: {overall:6.1%} ({count} labelled)")  # noqa: T201
    for emotion, (right, total) in per_emotion.items():
        print(f"  {emotion:<12} {right:>3}/{total:<3} {right / total:6.1%}")  # noqa: T201
    if show_errors:
        for expected, got, text in emotion_misses(path):
            print(f"    {expected} heard as {got}: {text}")  # noqa: T201


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA, help="folder with emotions.jsonl and crisis*.jsonl")
    parser.add_argument("--show-errors", action="store_true", help="also print the labelled phrases it gets wrong")
    args = parser.parse_args(argv)

    for name in EMOTION_SETS:
        if (args.data / name).exists():
            print_emotion_set(args.data / name, show_errors=args.show_errors)
    for line in evaluate_crisis.report(args.data, args.show_errors):
        print(line)  # noqa: T201
    from shared.engine.evaluate_composer import MESSAGES, report

    if (args.data / MESSAGES).exists():
        for line in report(args.data, show_errors=args.show_errors):
            print(line)  # noqa: T201


if __name__ == "__main__":
    main()
