"""``python -m bot eval-dialogues``: follow-up questions scored on ``eval/dialogues.jsonl``.

Each dialogue's turns are asked in order with the earlier ones as context; the
last turn is scored. Its tunables (``bot.followup.Tunables``) are fitted on the
other four folds, so every figure is out-of-fold. The same last turns asked with
no context are scored beside them, to show that the context is what answers them.

Scores, on the last turns:
- cite: a gold (document, page) among the citations (answerable turns);
- must: every must-include fact in the answer's text or quotes (answerable turns);
- unans: declined when the documents do not answer (unanswerable turns);
- switch: a new question answered exactly as it would be alone (switch turns);
- kind: the resolver read the turn as its kind says (a follow-up of that kind, or standalone for a switch).
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bot.action_query import ActionFilter
from bot.answering import Answer, AnsweringService
from bot.evaluation import read_jsonl, whole_number
from bot.follow_answers import FollowUpAnswerer
from bot.followup import (
    DEFAULT_TUNABLES,
    MAX_WORDS_BESIDE_ANY_POINTER,
    CitedPassage,
    FollowUpKind,
    Tunables,
    Turn,
    WordSense,
    resolve,
)
from bot.training import rule_is_kept

# Cross-validation folds over eval/dialogues.jsonl: each dialogue carries its fold.
FOLDS = 5
# The values fit_tunables tries for followup.MAX_ELLIPSIS_WORDS and MAX_LEANING_CONTENT_WORDS. Set by
# hand: wide enough that the best values fall inside (2..10 and 3..6; the fit picks 6 and 4). Fewer words of its own
# than MAX_WORDS_BESIDE_ANY_POINTER lean whatever the tunable, so smaller values would only widen a tie.
ELLIPSIS_WORDS_TRIED = range(2, 11)
LEANING_WORDS_TRIED = range(MAX_WORDS_BESIDE_ANY_POINTER, 7)
# The resolver's kind a dialogue kind expects; the unanswerable follow-ups here are ellipses or pronouns.
EXPECTED_KINDS = {
    "pronoun": {FollowUpKind.PRONOUN},
    "ellipsis": {FollowUpKind.ELLIPSIS},
    "more": {FollowUpKind.MORE},
    "narrow": {FollowUpKind.NARROW},
    "drill": {FollowUpKind.DRILL},
    "switch": {FollowUpKind.STANDALONE},
    "unanswerable_followup": {FollowUpKind.PRONOUN, FollowUpKind.ELLIPSIS},
}
ACTION_KINDS = {"more", "narrow"}


@dataclass(frozen=True)
class DialogueTurn:
    question: str
    evidence: tuple[tuple[str, int], ...]
    snippets: tuple[str, ...]
    must_include: tuple[str, ...]
    unanswerable: bool


@dataclass(frozen=True)
class Dialogue:
    id: str
    fold: int
    kind: str
    turns: tuple[DialogueTurn, ...]


@dataclass(frozen=True)
class Scores:
    answerable: int
    cite: float
    must: float
    unanswerable: int
    declined: float
    switches: int
    same_as_alone: float
    kind: float
    p95_resolve_ms: float

    def row(self, name: str) -> str:
        return (
            f"{name:<14}{self.cite:>6.2f}{self.must:>6.2f}{self.declined:>7.2f}{self.same_as_alone:>8.2f}"
            f"{self.kind:>6.2f}{self.p95_resolve_ms:>9.2f}"
        )


HEADER = f"{'':<14}{'cite':>6}{'must':>6}{'unans':>7}{'switch':>8}{'kind':>6}{'p95 ms':>9}"


def load_dialogues(path: Path) -> list[Dialogue]:
    """The dialogues of a JSONL file; ``EvalFileError`` names the line of the first that cannot be read."""
    return read_jsonl(path, _dialogue, "dialogues")


def _dialogue(item: dict) -> Dialogue:
    turns = tuple(
        DialogueTurn(
            t["question"],
            tuple((e["slug"], whole_number(e["page"], "page")) for e in t.get("evidence", [])),
            tuple(e.get("snippet", "") for e in t.get("evidence", [])),
            tuple(t.get("must_include", [])),
            bool(t.get("unanswerable")),
        )
        for t in item["turns"]
    )
    if not turns:  # its last turn is the one scored
        raise ValueError('"turns" is empty')
    return Dialogue(item["id"], whole_number(item["fold"], "fold"), item["kind"], turns)


# -- fitting ------------------------------------------------------------------


def gold_history(dialogue: Dialogue, upto: int) -> tuple[Turn, ...]:
    """The turns before ``upto`` as remembered from gold: the questions and their evidence.

    Enough to fit the decision without answering anything: whether a message
    leans on the conversation depends on the message and on what kind of
    answer came before (an action listing or not), not on the answer's words.
    """
    turns = []
    for position, turn in enumerate(dialogue.turns[:upto]):
        citations = tuple(CitedPassage(slug, page, snippet) for (slug, page), snippet in zip(turn.evidence, turn.snippets))
        listing = ActionFilter(text="gold") if dialogue.kind in ACTION_KINDS and position == 0 else None
        turns.append(Turn(turn.question, citations, turn.unanswerable, listing, 15 if listing else 0))
    return tuple(turns)


def decision_examples(dialogues: list[Dialogue]) -> list[tuple[str, tuple[Turn, ...], set[FollowUpKind]]]:
    """(message, history, the kinds it may be read as) for every last turn, and for each first turn
    asked after another dialogue (a new subject: it must stand alone)."""
    examples = []
    for previous, dialogue in zip([None, *dialogues], dialogues):
        last = len(dialogue.turns) - 1
        examples.append((dialogue.turns[last].question, gold_history(dialogue, last), EXPECTED_KINDS[dialogue.kind]))
        if previous is not None:
            examples.append((dialogue.turns[0].question, gold_history(previous, len(previous.turns)), {FollowUpKind.STANDALONE}))
    return examples


def fit_tunables(
    dialogues: list[Dialogue], parse_actions: Callable[[str], ActionFilter | None], sense: WordSense | None = None
) -> Tunables:
    """The tunables reading most of these dialogues' turns as the kind they are.

    Among equally good values, the middle of their range (the lower middle): the
    furthest from the edges where the fit would start to read turns wrongly.
    """
    examples = decision_examples(dialogues)

    def accuracy(tunables: Tunables) -> int:
        return sum(resolve(message, history, parse_actions, tunables, sense).kind in kinds for message, history, kinds in examples)

    scored = {Tunables(e, w): accuracy(Tunables(e, w)) for e, w in itertools.product(ELLIPSIS_WORDS_TRIED, LEANING_WORDS_TRIED)}
    best = max(scored.values())
    tied = [t for t, right in scored.items() if right == best]
    middle = Tunables(
        _lower_median([t.max_ellipsis_words for t in tied]), _lower_median([t.max_leaning_content_words for t in tied])
    )
    return middle if middle in tied else min(tied, key=lambda t: (t.max_ellipsis_words, t.max_leaning_content_words))


def _lower_median(values: list[int]) -> int:
    ordered = sorted(set(values))
    return ordered[(len(ordered) - 1) // 2]


# -- scoring ------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    dialogue: Dialogue
    answer: Answer
    alone: Answer
    kind: FollowUpKind
    question: str
    resolve_ms: float
    declined_for_no_new_figure: Answer | None = None  # the "no new figure" rule's decline, when it flags the last turn

    @property
    def last(self) -> DialogueTurn:
        return self.dialogue.turns[-1]


def cites_gold(answer: Answer, turn: DialogueTurn) -> bool:
    return bool({(c.slug, c.page) for c in answer.citations} & set(turn.evidence))


def has_all_facts(answer: Answer, turn: DialogueTurn) -> bool:
    text = (answer.text + " " + " ".join(c.quote for c in answer.citations)).lower()
    return all(fact.lower() in text for fact in turn.must_include)


def run_dialogue(dialogue: Dialogue, answerer: FollowUpAnswerer, alone: Answer | None = None) -> Outcome:
    """The last turn answered after the turns before it, as the channels answer it but for the "no new figure"
    decline, whose keeping is fitted per fold (``evaluate``): its decline, when it flags the turn, is kept beside.
    (The product tries that decline first; either one declines the turn.) ``alone``: the message answered with no
    conversation, when already known (no tunable changes it)."""
    unruled = FollowUpAnswerer(answerer.service, replace(answerer.tunables, decline_without_new_figure=False))
    history: tuple[Turn, ...] = ()
    for turn in dialogue.turns[:-1]:
        history = unruled.answer(turn.question, history).history
    message = dialogue.turns[-1].question
    started = time.perf_counter()
    resolution = unruled.resolve(message, history)
    resolve_ms = (time.perf_counter() - started) * 1000
    answer, _ = unruled.perform(resolution)
    answer = unruled.declined_without_a_figure(message, history, answer) or answer  # not fitted: as the channels answer
    ruled = answerer.declined_without_new_figure(message, resolution, history, answer) if history else None
    # Alone: as the product answers the message when it opens a conversation (no history), so a switch
    # turn's "diff question - " is read the same way in both.
    alone = alone if alone is not None else answerer.answer(message, ()).answer
    return Outcome(dialogue, answer, alone, resolution.kind, resolution.question, resolve_ms, ruled)


def _right(outcome: Outcome) -> int:
    """How right a last turn's answer is: cited and complete count one each; an unanswerable one declined counts two."""
    if outcome.last.unanswerable:
        return 2 * outcome.answer.abstained
    return cites_gold(outcome.answer, outcome.last) + has_all_facts(outcome.answer, outcome.last)


def score(outcomes: list[Outcome], pick: Callable[[Outcome], Answer]) -> Scores:
    answerable = [o for o in outcomes if not o.last.unanswerable]
    unanswerable = [o for o in outcomes if o.last.unanswerable]
    switches = [o for o in outcomes if o.dialogue.kind == "switch"]
    return Scores(
        answerable=len(answerable),
        cite=_share(cites_gold(pick(o), o.last) for o in answerable),
        must=_share(has_all_facts(pick(o), o.last) for o in answerable),
        unanswerable=len(unanswerable),
        declined=_share(pick(o).abstained for o in unanswerable),
        switches=len(switches),
        same_as_alone=_share(pick(o).text == o.alone.text for o in switches),
        kind=_share(o.kind in EXPECTED_KINDS[o.dialogue.kind] for o in outcomes) if pick(outcomes[0]) is outcomes[0].answer else float("nan"),
        p95_resolve_ms=_p95([o.resolve_ms for o in outcomes]) if pick(outcomes[0]) is outcomes[0].answer else float("nan"),
    )


def evaluate_shipped(dialogues: list[Dialogue], service: AnsweringService) -> list[Outcome]:
    """Every dialogue answered as the bot answers it, with the tunables it ships with (``DEFAULT_TUNABLES``): for a set
    kept apart (``eval-dialogues --held-out``), on which nothing is fitted or chosen."""
    return [run_dialogue(d, FollowUpAnswerer(service, DEFAULT_TUNABLES)) for d in dialogues]


def evaluate(dialogues: list[Dialogue], service: AnsweringService) -> tuple[list[Outcome], dict[int, Tunables]]:
    """Every dialogue answered with tunables fitted on the other folds."""
    def parse(text: str) -> ActionFilter | None:
        return service.actions.understand(text, service.today())

    sense = FollowUpAnswerer(service, DEFAULT_TUNABLES).sense  # how the bot reads words, for reading the turns as it would
    fitted = {fold: fit_tunables([d for d in dialogues if d.fold != fold], parse, sense) for fold in sorted({d.fold for d in dialogues})}
    led = [run_dialogue(d, FollowUpAnswerer(service, replace(fitted[d.fold], lead_with_words_typed=True))) for d in dialogues]
    unled = [run_dialogue(d, FollowUpAnswerer(service, replace(fitted[d.fold], lead_with_words_typed=False)), a.alone) for d, a in zip(dialogues, led)]
    for fold in fitted:  # leading with the words typed, kept when it gains more last turns than it loses on the other folds
        gain = sum(_right(a) - _right(b) for a, b in zip(led, unled) if a.dialogue.fold != fold)
        fitted[fold] = replace(fitted[fold], lead_with_words_typed=gain > 0)
    outcomes = [a if fitted[a.dialogue.fold].lead_with_words_typed else b for a, b in zip(led, unled)]
    for fold in fitted:  # the "no new figure" rule, kept or not on the other folds' last turns
        others = [o for o in outcomes if o.dialogue.fold != fold]
        flagged = np.array([o.declined_for_no_new_figure is not None for o in others], dtype=bool)
        answerable = np.array([not o.last.unanswerable for o in others], dtype=int)
        fitted[fold] = replace(fitted[fold], decline_without_new_figure=rule_is_kept(flagged, answerable))
    outcomes = [
        replace(o, answer=o.declined_for_no_new_figure) if o.declined_for_no_new_figure is not None and fitted[o.dialogue.fold].decline_without_new_figure else o
        for o in outcomes
    ]
    return outcomes, fitted


def kind_summary(outcomes: list[Outcome]) -> str:
    """One kind's figures in a line: those that apply to it, with context then alone."""
    parts = []
    for name, pick in (("context", lambda o: o.answer), ("alone", lambda o: o.alone)):
        answerable = [o for o in outcomes if not o.last.unanswerable]
        if answerable:
            cite = _share(cites_gold(pick(o), o.last) for o in answerable)
            must = _share(has_all_facts(pick(o), o.last) for o in answerable)
            parts.append(f"{name}: cite {cite:.2f} must {must:.2f}")
        else:
            parts.append(f"{name}: declined {_share(pick(o).abstained for o in outcomes):.2f}")
    return " | ".join(parts)


def details(outcome: Outcome) -> dict:
    return {
        "id": outcome.dialogue.id,
        "fold": outcome.dialogue.fold,
        "kind": outcome.dialogue.kind,
        "asked": outcome.last.question,
        "resolved_as": outcome.kind.value,
        "question": outcome.question,
        "cite": cites_gold(outcome.answer, outcome.last),
        "must": has_all_facts(outcome.answer, outcome.last),
        "abstained": outcome.answer.abstained,
        "alone_cite": cites_gold(outcome.alone, outcome.last),
        "alone_must": has_all_facts(outcome.alone, outcome.last),
        "alone_abstained": outcome.alone.abstained,
    }


def _share(values: Iterable[bool]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20)[-1]
