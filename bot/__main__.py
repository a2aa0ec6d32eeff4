"""``python -m bot <command>``: the bot from the command line.

Commands: ``ask``, ``chat``, ``eval``, and the channel servers ``serve`` (Teams)
and ``telegram``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answering import Answer
from bot.config import ConfigurationError, Settings
from bot.runtime import load_service
from index.search import Filters
from index.store import KnowledgeBaseError
from ingest.build import NothingToIngest

if TYPE_CHECKING:
    from bot.conversation import Reply


def main(argv: list[str] | None = None) -> int:
    try:
        settings = Settings.from_env()
    except ConfigurationError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m bot", description="Cited answers from the ICS documents.")
    parser.add_argument("--index", type=Path, default=settings.kb_dir, help="knowledge base folder (default: %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="answer one question (or a JSONL batch)")
    ask.add_argument("question", nargs="?", help="the question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--batch", type=Path, help="JSONL file of {id, question} objects; prints one JSON object per line")
    ask.add_argument("--doc", action="append", default=[], metavar="SLUG", help="search only this document (repeatable)")
    ask.add_argument("--kind", action="append", default=[], help='search only documents of this kind, e.g. "board paper"')

    commands.add_parser("chat", help="an interactive session in the terminal")

    evaluate = commands.add_parser("eval", help="score answers against gold evidence, beside two baselines")
    evaluate.add_argument("questions", type=Path, help="questions.jsonl with gold evidence")
    evaluate.add_argument("--details", type=Path, help="write per-question results here (JSONL)")

    actions = commands.add_parser("actions", help="list actions from the action table")
    actions.add_argument("--due", help='a financial year in any spelling: "23/24", "2023-24", "this financial year"')
    actions.add_argument("--lead", help='"ICB", "ICP" or a named person')
    actions.add_argument("--theme", help='a theme, loosely: "meds", "travel", "Waste"')
    actions.add_argument("--text", help="words the action should mention")
    actions.add_argument("--json", action="store_true", help="print the matching rows as a JSON list")

    brief = commands.add_parser("brief", help="a cited briefing on a topic, for comms")
    brief.add_argument("topic", help='what the briefing is about: "net zero targets and our carbon footprint"')
    brief.add_argument("--out", type=Path, help="also write it to FILE.md (Markdown) or FILE.docx (Word)")
    brief.add_argument("--json", action="store_true", help="print the briefing as JSON")

    commands.add_parser("serve", help="the Teams / Bot Framework endpoint (port from PORT, default 3978)")
    commands.add_parser("telegram", help="the Telegram bot (token from TELEGRAM_BOT_TOKEN)")

    args = parser.parse_args(argv)
    settings = Settings(**{**settings.__dict__, "kb_dir": args.index})
    handlers = {"ask": _ask, "chat": _chat, "eval": _eval, "actions": _actions, "brief": _brief, "serve": _serve, "telegram": _telegram}
    try:
        return handlers[args.command](args, settings, parser)
    except (KnowledgeBaseError, NothingToIngest) as exc:
        print(exc, file=sys.stderr)
        return 2


def _ask(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    if not args.batch and not args.question:
        parser.error("ask needs a question or --batch FILE")
    service = load_service(settings)
    filters = Filters(slugs=frozenset(args.doc), kinds=frozenset(args.kind))
    if args.batch:
        for line in args.batch.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                answer = service.answer(item["question"], filters)
                print(json.dumps({"id": item.get("id"), **answer.as_json()}, ensure_ascii=False))
        return 0
    answer = service.answer(args.question, filters)
    print(json.dumps(answer.as_json(), ensure_ascii=False, indent=2) if args.json else render_for_terminal(answer))
    return 0


def _chat(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    """The terminal as one more channel: the same commands as Teams and Telegram (help, sources, brief)."""
    from bot.conversation import Conversation

    conversation = Conversation(load_service(settings))
    conversation.warm_up()  # the first brief is as fast as the rest: the one-off work happens now
    print("Ask about the ICS documents, or type help. An empty line or Ctrl-D quits.")
    while True:
        try:
            message = input("\nYou: ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not message:
            return 0
        print("\n" + render_reply_for_terminal(conversation.reply_to(message)))


def _eval(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from bot import evaluation

    service = load_service(settings)
    questions = evaluation.load_questions(args.questions)
    systems = {
        "ours": service.answer,
        "baseline: page BM25": evaluation.page_bm25_baseline(service.kb),
        "baseline: tutorial": evaluation.tutorial_baseline(service.kb, service.embedder),
    }
    print(f"{len(questions)} questions from {args.questions}\n")
    print(evaluation.HEADER)
    for name, answer_fn in systems.items():
        scores, details = evaluation.evaluate(answer_fn, questions, service.kb)
        print(scores.row(name), flush=True)
        if name == "ours" and args.details:
            args.details.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in details) + "\n", encoding="utf-8")
    print(
        "\ncite: a gold page cited; must: all must-include facts present; unans: unanswerable declined; "
        "wrong: answerable declined;\nfaith: quotes verbatim on their page; ncite: citations per answer; "
        "chars: median answer length; p50/p95: latency"
    )
    return 0


def _actions(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from dataclasses import asdict

    from bot.action_query import filter_actions

    service = load_service(settings)
    try:
        action_filter = service.actions.filter_from_options(args.due, args.lead, args.theme, args.text, settings.current_date())
    except ValueError as exc:
        parser.error(str(exc))
    if args.json:
        rows = filter_actions(service.kb.actions, action_filter)
        print(json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=2))
    else:
        print(render_for_terminal(service.answer_actions(action_filter)))
    return 0


def _brief(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from bot.briefing import BriefingWriter, briefing_json, render_terminal, save_briefing

    if args.out and args.out.suffix.lower() not in (".md", ".docx"):
        parser.error("--out needs a file name ending in .md or .docx")
    briefing = BriefingWriter(load_service(settings)).write(args.topic)
    if args.out:
        save_briefing(briefing, args.out)
        print(f"Wrote {args.out}", file=sys.stderr)
    print(json.dumps(briefing_json(briefing), ensure_ascii=False, indent=2) if args.json else render_terminal(briefing))
    return 0


def _serve(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from bot.teams.server import run

    return run(settings)


def _telegram(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from bot.telegram.runner import run

    return run(settings)


def render_reply_for_terminal(reply: Reply) -> str:
    """An answer with its sources; a briefing with how to get its Word version; anything else as it is."""
    from bot.briefing import render_terminal

    if reply.answer is not None:
        return render_for_terminal(reply.answer)
    lines = [render_terminal(reply.briefing) if reply.briefing is not None else reply.text]
    for attachment in reply.attachments:
        if topic := attachment.remake.get("briefing"):
            lines.append(f'\n(Word version: python -m bot brief "{topic}" --out {attachment.name})')
    if reply.suggestions:
        lines.append("\nFor example:\n" + "\n".join(f"  {q}" for q in reply.suggestions))
    return "\n".join(lines)


def render_for_terminal(answer: Answer) -> str:
    lines = [answer.text]
    if answer.citations:
        lines.append("\nSources:")
        lines += [f"  [{c.n}] {c.title}, p. {c.page}: \"{c.quote}\"" for c in answer.citations]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
