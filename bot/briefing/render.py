"""A briefing as text: Markdown for chat channels and ``--out FILE.md``, JSON for
``python -m bot brief --json``, and the lines the Word document shares with them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from bot.answering import Citation
from bot.briefing.next_steps import NextAction
from bot.briefing.writer import Briefing, Point, Source
from bot.missing import terms_named
from index.terminal import printable


def _as_is(text: str) -> str:
    return text


def render_markdown(briefing: Briefing, escape: Callable[[str], str] = _as_is) -> str:
    """The briefing as Markdown: chat channels and ``--out FILE.md``.

    ``escape`` is applied to every text that is not ours (the topic the user typed, the
    quotes and titles from the documents, the action rows), so a channel that renders
    Markdown or HTML (Teams) can keep a typed "[text](link)" or "<b>" from becoming markup.
    """
    lines = [f"# Briefing: {escape(briefing.topic)}", ""]
    for note in notes_before_headline(briefing):
        lines += [escape(note), ""]
    lines += [f"**{_escaped_headline(briefing, escape)}**", ""]
    for note in notes(briefing):
        lines += [escape(note), ""]
    lines += _section("Key points", [f"{i}. {_cited(p, escape)}" for i, p in enumerate(briefing.points, 1)])
    lines += _section("Key figures", [f"- {_cited(p, escape)}" for p in briefing.key_figures])
    lines += _section("What happens next", next_steps_lines(briefing, escape))
    lines += _section("References", [f"[{c.n}] {escape(reference_line(c))}" for c in briefing.citations])
    lines += _section("Sources", [f"- {escape(source_line(s))}" for s in briefing.sources])
    lines.append(f"_{escape(footer(briefing))}_")
    return "\n".join(lines) + "\n"


def render_terminal(briefing: Briefing) -> str:
    """The briefing for a terminal: headings underlined, no raw "#" or "**" (the Markdown
    is for chat channels and ``--out FILE.md``)."""
    lines = [*_underlined(f"Briefing: {briefing.topic}", "="), ""]
    for note in notes_before_headline(briefing):
        lines += [note, ""]
    lines += [briefing.headline, ""]
    for note in notes(briefing):
        lines += [note, ""]
    sections = [
        ("Key points", [f"{i}. {_cited(p)}" for i, p in enumerate(briefing.points, 1)]),
        ("Key figures", [f"- {_cited(p)}" for p in briefing.key_figures]),
        ("What happens next", next_steps_lines(briefing)),
        ("References", [f"[{c.n}] {reference_line(c)}" for c in briefing.citations]),
        ("Sources", [f"- {source_line(s)}" for s in briefing.sources]),
    ]
    for title, body in sections:
        lines += [*_underlined(title, "-"), *body, ""] if body else []
    lines.append(footer(briefing))
    return printable("\n".join(lines) + "\n")  # the documents' text, shown and never acted on (``index.terminal``)


def _underlined(title: str, mark: str) -> list[str]:
    return [title, mark * min(len(title), 72)]


def _escaped_headline(briefing: Briefing, escape: Callable[[str], str]) -> str:
    """The headline escaped, its closing "[n]" citation kept as a marker."""
    text, marker = (briefing.headline.rsplit(" [", 1) + [""])[:2] if not briefing.thin else (briefing.headline, "")
    return f"{escape(text)} [{marker}" if marker else escape(text)


def briefing_json(briefing: Briefing) -> dict:
    """The briefing as the JSON object ``python -m bot brief --json`` prints."""
    return {
        "topic": briefing.topic,
        "headline": briefing.headline,
        "points": [{"text": p.text, "citations": list(p.citations)} for p in briefing.points],
        "key_figures": [{"text": p.text, "citations": list(p.citations)} for p in briefing.key_figures],
        "next_actions": [
            {"action": a.action, "due": a.due, "lead": a.lead, "theme": a.theme, "slug": a.slug, "title": a.title, "page": a.page}
            for a in briefing.next_actions
        ],
        "action_count": len(briefing.actions),
        "citations": [{"n": c.n, "slug": c.slug, "title": c.title, "page": c.page, "quote": c.quote} for c in briefing.citations],
        "sources": [{"slug": s.slug, "title": s.title, "date": s.date, "pages": list(s.pages)} for s in briefing.sources],
        "generated_at": briefing.generated_at,
        "kb_built_at": briefing.kb_built_at,
        "thin": briefing.thin,
        "commitments": [{"text": p.text, "citations": list(p.citations)} for p in briefing.commitments],
        "nearest_topics": list(briefing.nearest_topics),
        "unmentioned": list(briefing.unmentioned),
    }


def notes_before_headline(briefing: Briefing) -> list[str]:
    """What a briefing says before its headline: the terms of the topic the documents never use, when it briefs the rest
    of the topic. Above it, not under it: a trial read "monkeypox vaccination"'s bold headline, a COVID vaccination figure,
    as the answer before reaching the note."""
    if briefing.unmentioned and briefing.points:
        return [f"The documents do not mention {terms_named(briefing.unmentioned)}: this briefing is what they say on the rest of the topic."]
    return []


def notes(briefing: Briefing) -> list[str]:
    """What a briefing says plainly under its headline: a thin briefing's ``thin_note``."""
    return [thin_note(briefing)] if briefing.thin else []


def thin_note(briefing: Briefing) -> str:
    """What a thin briefing says plainly, with the nearest topics the documents do cover."""
    nearest = f" The nearest topics they cover: {'; '.join(briefing.nearest_topics)}." if briefing.nearest_topics else ""
    if not briefing.points:
        return f"Nothing in the documents speaks to this topic, so there is no briefing to draft.{nearest} Try a broader topic or type sources to see the documents."
    if len(briefing.points) == 1:
        return f"Only 1 passage in the documents speaks to this topic; it is below, with nothing added.{nearest}"
    return f"Only {len(briefing.points)} passages in the documents speak to this topic; they are below, with nothing added.{nearest}"


def next_steps_lines(briefing: Briefing, escape: Callable[[str], str] = _as_is) -> list[str]:
    """The actions on the topic (how many, then the nearest due, numbered as "who leads no 4?" after the briefing names
    them) and the documents' dated commitments."""
    shown = [f"{n}. {escape(action_line(a, briefing.as_of))}" for n, a in enumerate(briefing.next_actions, 1)]
    actions = [escape(next_steps_intro(briefing)), *shown]
    lines = actions if briefing.next_actions else []
    if briefing.commitments:
        lines += ["Dated commitments in the documents:", *[f"- {_cited(p, escape)}" for p in briefing.commitments]]
    return lines


def next_steps_intro(briefing: Briefing) -> str:
    """How many actions, when they fall due and who leads them; then the ones due soonest."""
    dues = Counter(a.due or "no due date" for a in briefing.actions)
    leads = Counter(a.lead or "no lead named" for a in briefing.actions)
    return (
        f"The action table has {_count(len(briefing.actions), 'action')} on this topic: "
        + ", ".join(f"{n} due {due}" if due != "no due date" else f"{n} with no due date" for due, n in dues.items())
        + "; led by "
        + ", ".join(f"{lead} ({n})" for lead, n in leads.most_common())
        + (
            ". They are:"
            if len(briefing.actions) == len(briefing.next_actions)
            # "7 actions" over a list of 6 read as one lost: say how many are shown.
            else f". {len(briefing.next_actions)} of them are shown, the most relevant few of the nearest due years:"
        )
    )


def action_line(action: NextAction, as_of: date | None = None) -> str:
    """One action to show; its due date marked as passed when ``as_of`` is later (the documents are plans of 2022)."""
    passed = " (date passed)" if as_of and action.passed_by(as_of) else ""
    due = f"Due {action.due}{passed}" if action.due else "No due date"
    lead = f"lead {action.lead}" if action.lead else "no lead named"
    return f"{due}, {lead}: {action.action} ({action.title}, p. {action.page})"


def reference_line(citation: Citation) -> str:
    return f"{citation.title}, p. {citation.page}: \u201c{citation.quote}\u201d"


def source_line(source: Source) -> str:
    pages = ", ".join(str(p) for p in source.pages)
    return f"{source.title} ({source.date or 'undated'}), {'page' if len(source.pages) == 1 else 'pages'} {pages}"


def footer(briefing: Briefing) -> str:
    checked = " Every point is quoted from the page cited; check the references before publishing." if briefing.points else ""
    return f"Draft generated {briefing.generated_at} from the knowledge base built {briefing.kb_built_at}.{checked}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _cited(point: Point, escape: Callable[[str], str] = _as_is) -> str:
    return f"{escape(point.text)} " + " ".join(f"[{n}]" for n in point.citations)


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"## {title}", *lines, ""] if lines else []
