""""What happens next": the rows of the action table on the topic, and the few to show.

An action is on the topic when its text names every word of a topic (or facet) of
two or more words, or names one and is close in meaning, by its theme or its text; a topic naming a
document has that document's actions only (all of them, ``document_actions``, when none is on its other words).
All of them are counted in the briefing; the nearest due are shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from bot.briefing.topic import Query, coverage, stems_of, with_phrases
from index.records import ActionRow
from index.store import KnowledgeBase

# An action is on a topic when its text is this close in meaning to the topic (cosine, the shared embedding
# model). Set by hand on the dev topics' action lists: lower let unrelated actions in.
ACTION_SIMILARITY = 0.45
MIN_NAMED_WORDS = 2  # naming every word of a topic this long puts an action on it
# "What happens next" stays short: at most this many actions, and this many for any one due year, so the
# next years are seen too. Set by hand for a one-page briefing.
MAX_NEXT_ACTIONS = 6
MAX_ACTIONS_PER_DUE = 3


@dataclass(frozen=True)
class NextAction:
    action: str
    due: str | None
    lead: str | None
    theme: str
    slug: str
    title: str
    page: int
    last_day: str | None = None  # the due's last day, sortable like ISO ("2023-03-31" for 22/23; "2022-06-31" for June 22); None when undated
    number: str = ""  # as the table prints it ("4"): with ``slug`` and ``page`` it names the row (``action_query.RowKey``)

    def passed_by(self, day: date) -> bool:
        """Whether the due date had passed on ``day``: the plans were written in 2022, staff read them later."""
        return self.last_day is not None and self.last_day < day.isoformat()


def action_texts(action: ActionRow) -> tuple[str, str]:
    """What an action is matched on: its theme with its text, and its theme alone."""
    return f"{action.theme}: {action.action}", action.theme or action.action


def actions_on(
    kb: KnowledgeBase,
    queries: list[Query],
    aliases: dict[str, frozenset[str]],
    embed: Callable[[list[str]], np.ndarray],
    documents: frozenset[str] = frozenset(),
) -> list[NextAction]:
    """Action rows that name a word of the topic (or a facet) and are close to it in meaning,
    by theme or text: due soonest first, then closest to the topic. A topic naming ``documents``
    has only theirs."""
    actions = [a for a in kb.actions if a.source in documents] if documents else kb.actions
    if not actions:
        return []
    vectors = np.array([q.vector for q in queries]).T
    by_text, by_theme = (embed([action_texts(a)[i] for a in actions]) @ vectors for i in (0, 1))
    on_topic = []
    for action, row in zip(actions, np.maximum(by_text, by_theme).tolist()):
        stems = with_phrases(stems_of(action_texts(action)[0]), aliases)
        if any(_on(coverage(stems, q.terms), len(q.terms), similarity) for q, similarity in zip(queries, row)):
            on_topic.append((action, max(row)))
    ordered = sorted(on_topic, key=lambda item: (_due_key(item[0].due_normalised), -item[1]))
    return [_next_action(kb, action) for action, _ in ordered]


def document_actions(kb: KnowledgeBase, documents: frozenset[str]) -> list[NextAction]:
    """Every action of these documents, due soonest first (none for no documents)."""
    return [_next_action(kb, a) for a in sorted((a for a in kb.actions if a.source in documents), key=lambda a: _due_key(a.due_normalised))]


def _on(named: float, words: int, similarity: float) -> bool:
    """An action naming every word of a topic of two or more words ("Ensure ... board level Net
    Zero lead" for "net zero") is on it however its embedding scores; otherwise it must name some
    and be close in meaning (one word, "inhalers" in a list of data to collect, is not enough)."""
    return (named >= 1.0 and words >= MIN_NAMED_WORDS) or (named > 0 and similarity >= ACTION_SIMILARITY)


def nearest(actions: list[NextAction]) -> list[NextAction]:
    """The actions to show: the most relevant few of each due date, nearest dates first,
    so later dates show too; spare places go to the next most relevant.

    ``actions`` come sorted by due date, then by closeness to the topic.
    """
    per_due: Counter[str | None] = Counter()
    shown: set[int] = set()
    for index, action in enumerate(actions):
        if per_due[action.due] < MAX_ACTIONS_PER_DUE and len(shown) < MAX_NEXT_ACTIONS:
            shown.add(index)
            per_due[action.due] += 1
    spare = [index for index in range(len(actions)) if index not in shown][: MAX_NEXT_ACTIONS - len(shown)]
    return [actions[index] for index in sorted(shown | set(spare))]


def _next_action(kb: KnowledgeBase, action: ActionRow) -> NextAction:
    title = kb.by_slug[action.source].record.title if action.source in kb.by_slug else action.source
    last_day = _due_key(action.due_normalised) if action.due_normalised else None
    return NextAction(action.action, action.due, action.lead, action.theme, action.source, title, action.page, last_day, action.number)


def _due_key(normalised: str | None) -> str:
    """A sortable date for "2023/24" (its last day), "2022-06" or "2022-05-31"; undated sorts last."""
    if not normalised:
        return "9999"
    if "/" in normalised:
        return f"{int(normalised[:4]) + 1}-03-31"
    return normalised if len(normalised) == 10 else f"{normalised}-31"
