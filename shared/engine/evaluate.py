"""Print the offline classifier's accuracy per emotion and the crisis detector's recall and false-positive rate."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from shared.engine.emotions import EMOTIONS, classify
from shared.engine.safety import assess

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"


@dataclass(frozen=True)
class CrisisScore:
    recall: float
    false_positive_rate: float
    positives: int
    negatives: int
    missed: tuple[str, ...]
    false_alarms: tuple[str, ...]


def load(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def emotion_accuracy(path: Path) -> tuple[float, dict[str, tuple[int, int]]]:
    """Overall accuracy and (correct, total) per labelled emotion."""
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for row in load(path):
        label = str(row["emotion"])
        total[label] += 1
        correct[label] += classify(str(row["text"])).emotion == label
    overall = sum(correct.values()) / max(1, sum(total.values()))
    return overall, {e: (correct[e], total[e]) for e in EMOTIONS if total[e]}


def crisis_score(path: Path) -> CrisisScore:
    """Recall on the crisis phrases and false-positive rate on the ordinary ones."""
    rows = load(path)
    positives = [str(r["text"]) for r in rows if r["crisis"]]
    negatives = [str(r["text"]) for r in rows if not r["crisis"]]
    missed = tuple(t for t in positives if not assess(t).crisis)
    alarms = tuple(t for t in negatives if assess(t).crisis)
    return CrisisScore(
        recall=1 - len(missed) / max(1, len(positives)),
        false_positive_rate=len(alarms) / max(1, len(negatives)),
        positives=len(positives),
        negatives=len(negatives),
        missed=missed,
        false_alarms=alarms,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA, help="folder with emotions.jsonl and crisis*.jsonl")
    parser.add_argument("--show-errors", action="store_true", help="also print the labelled phrases it gets wrong")
    args = parser.parse_args(argv)

    overall, per_emotion = emotion_accuracy(args.data / "emotions.jsonl")
    print("emotion accuracy (tests/data/emotions.jsonl)")  # noqa: T201
    for emotion, (right, total) in per_emotion.items():
        print(f"  {emotion:<12} {right:>3}/{total:<3} {right / total:6.1%}")  # noqa: T201
    print(f"  {'overall':<12} {overall:6.1%}")  # noqa: T201
    for name in ("crisis.jsonl", "crisis_holdout.jsonl", "crisis_fresh.jsonl"):
        path = args.data / name
        if not path.exists():
            continue
        score = crisis_score(path)
        print(  # noqa: T201
            f"crisis {name}: recall {score.recall:.3f} ({score.positives} crisis), "
            f"false-positive rate {score.false_positive_rate:.3f} ({score.negatives} ordinary)"
        )
        if args.show_errors:
            for text in score.missed:
                print(f"    missed: {text}")  # noqa: T201
            for text in score.false_alarms:
                print(f"    false alarm: {text}")  # noqa: T201


if __name__ == "__main__":
    main()
