"""The fitted models answering uses: a sentence ranker, an answer-or-decline decision and a subject gate.

All three are logistic regressions over the interpretable features of
``bot.features``: each weight says how much a feature counts, and
``python -m bot train`` refits them on the gold questions (``bot.training``).
They are stored as a small JSON file in the package, so answering needs
neither the training data nor scikit-learn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.features import DECISION_FEATURES, SENTENCE_FEATURES, SUBJECT_FEATURES, DeclineRule, subject_row

MODELS_FILE = Path(__file__).with_name("models") / "answering.json"
# Bumped whenever the features change meaning: a file fitted on other features is refused.
FEATURE_VERSION = 16


def probability(logits: np.ndarray) -> np.ndarray:
    """The logistic function: log-odds to probabilities (the ranker's, the decision's, a briefing's); clipped, as
    exp overflows past 709 and a probability that near 0 or 1 is 0 or 1."""
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -500.0, 500.0)))


class StaleModelError(Exception):
    """The models file was fitted on other features than this code computes."""


@dataclass(frozen=True)
class LinearModel:
    """A logistic regression on standardised features."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def logits(self, rows: np.ndarray) -> np.ndarray:
        if not len(rows):
            return np.zeros(0)
        standardised = (rows - np.asarray(self.mean)) / np.asarray(self.scale)
        return standardised @ np.asarray(self.weights) + self.bias

    def as_json(self) -> dict:
        return {"names": list(self.names), "mean": list(self.mean), "scale": list(self.scale),
                "weights": list(self.weights), "bias": self.bias}

    @classmethod
    def from_json(cls, data: dict) -> LinearModel:
        return cls(tuple(data["names"]), tuple(data["mean"]), tuple(data["scale"]), tuple(data["weights"]), data["bias"])


@dataclass(frozen=True)
class AnsweringModels:
    """The ranker, the decision, and the decision's threshold (answer when its logit is above it); the subject gate and
    its threshold (decline when its logit is below it, whatever the decision says)."""

    ranker: LinearModel
    decision: LinearModel
    threshold: float
    fitted_on: str  # what they were fitted on, for the manifest and ``ask --explain``
    follow_on_share: float = 0.65  # another sentence joins the best when its probability reaches this share of the best's
    diverse: bool = False  # the best sentence of each page not yet cited comes before others of a cited page
    decline_rules: tuple[DeclineRule, ...] = ()  # rules that decline whatever the decision says (kept by fitting)
    # Once the decision is to answer, the sentences are chosen by a search that adds, for each question word the
    # documents never use, the corpus words at least this close in meaning (cosine); None: the question's own words.
    like_meaning: float | None = None
    # How the knowledge base they were fitted on read its documents (``Manifest.text_pipeline``): the
    # features of a knowledge base read another way differ, and answering says the models need refitting.
    text_pipeline: int | None = None
    # Whether the documents are about the question's subject at all (``SUBJECT_FEATURES``): fitted on the answerable
    # and the off-topic questions alone, so it learns what the decision, fitted on near misses too, cannot (a near miss
    # shares every word of the page it misses, so the decision weighs the words held against answering). None: no gate.
    subject_gate: LinearModel | None = None
    subject_threshold: float = 0.0

    def subject_logit(self, decision_row: list[float]) -> float | None:
        """The subject gate's logit for a question with this decision row (None: no gate); below ``subject_threshold``
        the documents are taken not to cover the question's subject."""
        if self.subject_gate is None:
            return None
        return float(self.subject_gate.logits(np.array([subject_row(decision_row)]))[0])

    def fits(self, text_pipeline: int) -> bool:
        """Fitted on a knowledge base that read its documents as this one did (or on one not recorded)."""
        return self.text_pipeline is None or self.text_pipeline == text_pipeline

    def record(self) -> str:
        """What they are, in a line for people: what they were fitted on and the text they were fitted on."""
        read = f"; knowledge base text pipeline {self.text_pipeline}" if self.text_pipeline is not None else ""
        return f"answering models fitted on {self.fitted_on}{read}"

    def as_json(self) -> dict:
        return {"feature_version": FEATURE_VERSION, "fitted_on": self.fitted_on, "threshold": self.threshold, "follow_on_share": self.follow_on_share, "diverse": self.diverse,
                "decline_rules": [rule.value for rule in self.decline_rules], "like_meaning": self.like_meaning,
                "text_pipeline": self.text_pipeline,
                "ranker": self.ranker.as_json(), "decision": self.decision.as_json(),
                "subject_gate": self.subject_gate.as_json() if self.subject_gate else None, "subject_threshold": self.subject_threshold}

    @classmethod
    def from_json(cls, data: dict) -> AnsweringModels:
        known_rules = {rule.value: rule for rule in DeclineRule}
        rules = data.get("decline_rules", [])
        models = cls(LinearModel.from_json(data["ranker"]), LinearModel.from_json(data["decision"]),
                     float(data["threshold"]), data.get("fitted_on", ""), float(data.get("follow_on_share", 0.65)), bool(data.get("diverse", False)),
                     tuple(known_rules[rule] for rule in rules if rule in known_rules), data.get("like_meaning"),
                     data.get("text_pipeline"), LinearModel.from_json(data["subject_gate"]) if data.get("subject_gate") else None,
                     float(data.get("subject_threshold", 0.0)))
        if (len(models.decline_rules) != len(rules) or data.get("feature_version") != FEATURE_VERSION or models.ranker.names != SENTENCE_FEATURES
                or models.decision.names != DECISION_FEATURES):
            raise StaleModelError(
                f"The answering models were fitted on other features (version {data.get('feature_version')}, "
                f"this code computes version {FEATURE_VERSION}): run `python -m bot train`."
            )
        if models.subject_gate is not None and models.subject_gate.names != SUBJECT_FEATURES:
            raise StaleModelError(
                f"The subject gate was fitted on other features ({', '.join(models.subject_gate.names)}): run `python -m bot train`."
            )
        return models

    def save(self, path: Path = MODELS_FILE) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_json(), indent=1) + "\n", encoding="utf-8")


def load_models(path: Path | None = None) -> AnsweringModels:
    """The fitted models, from ``path`` or the package's file (read when called, so a test can point it elsewhere)."""
    path = path or MODELS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StaleModelError(f"Cannot read the answering models at {path} ({error}): run `python -m bot train`.") from error
    return AnsweringModels.from_json(data)
