"""Benchmark: the held-out questions retyped the ways staff type, scored with the shipped models.

    python benchmarks/retyped.py [QUESTIONS.jsonl ...] [--index kb]

Staff do not type as the evaluation sets are written: some type Title Case or capitals throughout, some greet the bot
first ("hey bot ...") or thank it after ("... thanks"). Each held-out set (default: eval/heldout_questions.jsonl and
eval/heldout_questions_2.jsonl) is answered as written and retyped each way, with the shipped models, which never saw
these questions; nothing is fitted. A way of typing that scores far below "as written" is a reading fault (a new user's
trial found Title Case questions declined as "the closest passages do not mention Much").

Prints, per set and way of typing: citation hit, all must-include facts, unanswerable declined and answerable
wrongly declined. Asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot import evaluation  # noqa: E402
from bot.runtime import load_service  # noqa: E402
from index.config import Settings  # noqa: E402

GREETINGS = ("hi, ", "hey bot ", "morning! ", "quick one - ")
# Typed after the question: before its question mark ("... in april please?") or after it ("... in april? thanks").
THANKS = (" please", "? thanks", " thx", ", cheers!")


def _title_case(question: str, _: int) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in question.split(" "))


def _capitals(question: str, _: int) -> str:
    return question.upper()


def _lower_case(question: str, _: int) -> str:
    return question.lower()


def _greeted(question: str, n: int) -> str:
    return GREETINGS[n % len(GREETINGS)] + question


def _thanked(question: str, n: int) -> str:
    thanks = THANKS[n % len(THANKS)]
    stripped = question.rstrip().rstrip("?")
    asked = question.rstrip().endswith("?") and "?" not in thanks
    return stripped + thanks + ("?" if asked else "")


RETYPINGS: dict[str, Callable[[str, int], str]] = {
    "as written": lambda question, _: question,
    "Title Case": _title_case,
    "CAPITALS": _capitals,
    "lower case": _lower_case,
    "greeting before": _greeted,
    "thanks after": _thanked,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "questions", type=Path, nargs="*",
        default=[REPO / "eval" / "heldout_questions.jsonl", REPO / "eval" / "heldout_questions_2.jsonl"],
    )
    parser.add_argument("--index", type=Path, default=None, help="knowledge base folder (default: KB_DIR or kb)")
    args = parser.parse_args()
    settings = Settings.from_env()
    if args.index is not None:
        settings = replace(settings, kb_dir=args.index)
    service = load_service(settings)
    print(f"shipped models ({service.models.fitted_on}); nothing refitted\n")
    print(f"{'set':28} {'typed':16} {'cite':>5} {'must':>5} {'unans':>5} {'wrong':>5}")
    for path in args.questions:
        questions = evaluation.load_questions(path)
        for name, retype in RETYPINGS.items():
            retyped = [replace(q, question=retype(q.question, n)) for n, q in enumerate(questions)]
            details, latencies = evaluation.evaluate_with_latency(service.answer, retyped, service.kb)
            scores = evaluation.scores_by_group(details, latencies, retyped)["all"]
            print(
                f"{path.name:28} {name:16} {scores.citation_hit:5.2f} {scores.must_include:5.2f} "
                f"{scores.unanswerable_abstained:5.2f} {scores.answerable_abstained:5.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
