"""Which gathered sentences a briefing leads with: a small logistic model over a few
features of each sentence, fitted on the evaluation topics (eval/topics.jsonl).

Why learned: hand-set weights carried 0.76–0.80 of the facts on the six topics they
were tuned on and 0.41 on topics nobody had looked at. A sentence is a positive
example when it holds one of the facts a good briefing on its topic carries; the
model learns how far to trust the shared sentence ranker, the topic's words, the
page the topic lives on, and figures. ``benchmarks/briefings.py`` fits it on four
folds of topics and measures the fifth, for each fold, so the figure it reports is
out of fold; ``--fit`` then fits it on all the topics and writes
``selection_weights.json``, which the writer loads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import numpy as np

from bot.ranker import probability

WEIGHTS_FILE = Path(__file__).with_name("selection_weights.json")
L2 = 1.0  # ridge on the weights (not the bias): keeps 13 weights sane on ~2,000 sentences of 24 topics
NEWTON_STEPS = 25  # iterations of Newton's method; converges well before this on these data


class Feature(Enum):
    """What the model sees of a gathered sentence; each is in [0, 1]."""

    RANKED = "ranked"  # its score from AnsweringService.rank_sentences, as a share of the best (any query)
    RANK = "rank"  # 1 / (1 + rank / 10) in the best ranking that holds it
    QUERIES = "queries"  # share of the topic's queries (topic, facets, aspects) whose ranking holds it
    RELEVANCE = "relevance"  # meaning, the topic's words and its section, as the writer scores them
    NEIGHBOUR = "neighbour"  # the relevance of the sentence next to it on the page
    WORDS = "words"  # share of the topic's weighted words in the sentence or its heading
    PAGE_FOCUS = "page_focus"  # share of the topic's best-ranked sentences on its page
    DOCUMENT_FOCUS = "document_focus"  # share of them in its document
    FIGURE = "figure"  # it gives a figure (amount, count, percentage, date)
    AMOUNT = "amount"  # it gives money, a percentage or a large count
    LEANING = "leaning"  # it opens with "This", "They", ...: needs the sentence before
    QUOTABLE = "quotable"  # some run of its clauses stands as a point
    LENGTH = "length"  # its length, as a share of 300 characters (capped at 1)
    NAMES = "names"  # share of its words after the first that are capitalised: named schemes, places, bodies
    LIST_ITEM = "list_item"  # it is a bullet or numbered item
    SECTION_START = "section_start"  # it is among the first two sentences under its heading on the page


FEATURES: tuple[Feature, ...] = tuple(Feature)


@dataclass(frozen=True)
class SelectionWeights:
    """A logistic model's weights, one per feature, and where they come from."""

    bias: float
    weights: tuple[float, ...]
    fitted_on: str  # e.g. "eval/topics.jsonl, 24 topics" or "folds 0,1,2,3"

    def score(self, rows: np.ndarray) -> np.ndarray:
        """Log-odds that each row's sentence carries a headline fact (only the order is used)."""
        return rows @ np.asarray(self.weights) + self.bias

    def as_json(self) -> dict:
        return {"fitted_on": self.fitted_on, "bias": self.bias, "weights": dict(zip((f.value for f in FEATURES), self.weights))}


def fit(rows: np.ndarray, labels: np.ndarray, fitted_on: str, l2: float = L2) -> SelectionWeights:
    """Ridge-penalised, class-balanced logistic regression by Newton's method (numpy only; a few ms).

    Balanced: each positive weighs as many negatives as there are per positive (about 20), so
    the few sentences that hold a fact count as much in all as the many that do not. Not a
    tunable (the ratio is the data's); out of fold it raised the facts carried from 67/103 to
    71/103 (folds 0, 2 and 4 up, none down), against 67 unweighted.
    """
    x = np.hstack([rows, np.ones((len(rows), 1))])
    y = labels.astype(float)
    positives = float(y.sum())
    balance = np.where(y > 0, (len(y) - positives) / positives, 1.0) if 0 < positives < len(y) else np.ones(len(y))
    w = np.zeros(x.shape[1])
    penalty = np.diag([l2] * rows.shape[1] + [0.0])
    for _ in range(NEWTON_STEPS):
        p = probability(x @ w)
        gradient = x.T @ (balance * (p - y)) + penalty @ w
        hessian = (x * (balance * p * (1 - p))[:, None]).T @ x + penalty + 1e-6 * np.eye(len(w))
        w -= np.linalg.solve(hessian, gradient)
    return SelectionWeights(float(w[-1]), tuple(float(v) for v in w[:-1]), fitted_on)


def load_weights(path: Path = WEIGHTS_FILE) -> SelectionWeights:
    """The shipped weights. A feature added since they were fitted weighs nothing until they are
    refitted (python benchmarks/briefings.py --fit), so the writer still runs."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return SelectionWeights(float(data["bias"]), tuple(float(data["weights"].get(f.value, 0.0)) for f in FEATURES), data["fitted_on"])


def save_weights(weights: SelectionWeights, path: Path = WEIGHTS_FILE) -> None:
    path.write_text(json.dumps(weights.as_json(), indent=2) + "\n", encoding="utf-8")


def carries_fact(text: str, facts: list[str]) -> bool:
    """Whether a sentence holds one of the facts (ignoring case and runs of white space):
    the label the model is fitted on."""
    flat = " ".join(text.lower().split())
    return any(" ".join(fact.lower().split()) in flat for fact in facts)
