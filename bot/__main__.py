"""``python -m bot <command>``: the bot from the command line.

Commands: ``ask``, ``chat``, ``eval``, ``eval-dialogues``, ``train``, ``actions``, ``brief``,
``sources``, ``help``, and the channel servers ``serve`` (Teams) and ``telegram``. Only
the commands that search load the embedding model.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shlex
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

from bot.answering import Answer
from bot.ranker import StaleModelError
from bot.runtime import load_service
from index.config import ConfigurationError, Settings, check_teams_identity
from index.files import reason_of, why_unwritable
from index.search import Filters
from index.store import KnowledgeBaseError
from index.terminal import printable, terminal_json
from ingest.build import NothingToIngest

if TYPE_CHECKING:
    from collections.abc import Callable

    from bot.conversation import Reply
    from bot.evaluation import EvalQuestion


EVAL_QUESTIONS = Path(__file__).resolve().parents[1] / "eval" / "questions.jsonl"
# Off-topic questions written for the subject gate: fitted on by it alone, and measured apart (out of fold).
GATE_QUESTIONS = EVAL_QUESTIONS.with_name("offtopic_questions.jsonl")
_Loaded = TypeVar("_Loaded")  # a question or a dialogue read from an eval file


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
    ask.add_argument(
        "--batch",
        type=Path,
        help="JSONL file of {id, question} objects, optionally with a \"conversation\": lines of one conversation "
        "are answered in order, each with the earlier ones as context; prints one JSON object per line",
    )
    ask.add_argument("--doc", action="append", default=[], metavar="SLUG", help="search only this document (repeatable)")
    ask.add_argument("--kind", action="append", default=[], help='search only documents of this kind, e.g. "board paper"')
    ask.add_argument("--explain", action="store_true", help="also print how the answer was reached: hits, scores, why it declined")

    commands.add_parser("chat", help="an interactive session in the terminal")

    evaluate = commands.add_parser("eval", help="out-of-fold answer quality against gold evidence, beside two baselines")
    evaluate.add_argument("questions", type=Path, nargs="?", default=EVAL_QUESTIONS, help="questions.jsonl with gold evidence and folds (default: %(default)s)")
    evaluate.add_argument("--details", type=Path, help="write per-question out-of-fold results here (JSONL)")
    evaluate.add_argument("--in-sample", action="store_true", help="also score the shipped models, fitted on every fold (in-sample: not a result)")
    evaluate.add_argument(
        "--held-out", action="store_true",
        help="score the shipped models alone, on questions they were never fitted on (eval/heldout_questions.jsonl): nothing is refitted",
    )
    gate_help = f"off-topic questions the subject gate alone is fitted on, beside the questions (default: {GATE_QUESTIONS}; 'none': no such questions)"
    evaluate.add_argument("--gate-questions", help=gate_help)

    compare = commands.add_parser(
        "compare", help="two `eval --details` files: how each measure moved, its 95%% interval and a sign test, and the questions that moved"
    )
    compare.add_argument("before", type=Path, help="per-question results before a change (eval --details)")
    compare.add_argument("after", type=Path, help="... and after it")
    compare.add_argument("--questions", type=Path, default=EVAL_QUESTIONS, help="for the questions' categories (default: %(default)s)")

    train = commands.add_parser("train", help="refit the answering models on gold questions and write them into the package")
    train.add_argument("questions", type=Path, nargs="?", default=EVAL_QUESTIONS, help="questions.jsonl (default: %(default)s)")
    train.add_argument("--gate-questions", help=gate_help)

    dialogues = commands.add_parser("eval-dialogues", help="score follow-up questions on dialogues, out-of-fold, with and without context")
    dialogues.add_argument(
        "dialogues", type=Path, nargs="?", help="default: eval/dialogues.jsonl, or eval/heldout_dialogues.jsonl with --held-out"
    )
    dialogues.add_argument("--details", type=Path, help="write per-dialogue results here (JSONL)")
    dialogues.add_argument(
        "--held-out", action="store_true",
        help="a set kept apart (eval/heldout_dialogues.jsonl): answered with the shipped tunables, nothing fitted",
    )

    actions = commands.add_parser("actions", help="list actions from the action table")
    actions.add_argument(
        "--due",
        help='a financial year in any spelling: "23/24", "2023-24", "this financial year" (a calendar year, "2024", names two);'
        ' a month, "May 22"; or a period told from today, "this quarter", "next month", "this week" (the actions of the'
        " financial year it falls in, and those with a finer due date within it)",
    )
    actions.add_argument("--lead", help='"ICB", "ICP" or a named person')
    actions.add_argument("--theme", help='a theme, loosely: "meds", "travel", "Waste"')
    actions.add_argument("--text", help="words the action should mention")
    actions.add_argument("--json", action="store_true", help="print the matching rows as a JSON list")

    brief = commands.add_parser("brief", help="a cited briefing on a topic, for comms")
    brief.add_argument("topic", help='what the briefing is about: "net zero targets and our carbon footprint"')
    brief.add_argument("--out", type=Path, help="also write it to FILE.md (Markdown) or FILE.docx (Word); an existing file is replaced")
    brief.add_argument("--json", action="store_true", help="print the briefing as JSON")

    commands.add_parser("sources", help="the documents in the knowledge base and when it was built")
    commands.add_parser("help", help="what to ask and the commands of every channel")
    commands.add_parser("serve", help="the Teams / Bot Framework endpoint (port from PORT, default 3978)")
    commands.add_parser("telegram", help="the Telegram bot (token from TELEGRAM_BOT_TOKEN)")

    args = parser.parse_args(argv)
    settings = Settings(**{**settings.__dict__, "kb_dir": args.index})
    handlers = {
        "ask": _ask, "chat": _chat, "eval": _eval, "eval-dialogues": _eval_dialogues, "compare": _compare, "train": _train,
        "actions": _actions, "brief": _brief, "sources": _sources, "help": _help, "serve": _serve,
        "telegram": _telegram,
    }
    try:
        # The command's own parser: its errors show its usage ("usage: python -m bot actions ..."), not the list of commands.
        return handlers[args.command](args, settings, commands.choices[args.command])
    except (KnowledgeBaseError, NothingToIngest, StaleModelError) as exc:
        print(exc, file=sys.stderr)
        return 2


def _ask(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    if not args.batch and not (args.question or "").strip():
        parser.error("ask needs a question or --batch FILE")
    if args.batch:
        # Read before the knowledge base loads: a file that is not there says so at once, not with a traceback.
        try:
            # "-sig": Notepad and Excel start a UTF-8 file with a byte-order mark, which had made line 1 "not a JSON object".
            lines = args.batch.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as unreadable:
            parser.error(f"cannot read the batch file {args.batch}: {reason_of(unreadable)}")
    service = load_service(settings)
    unknown = _unknown_documents(service, args.doc, args.kind)
    if unknown:
        parser.error(unknown)
    filters = Filters(slugs=frozenset(args.doc), kinds=frozenset(args.kind))
    from bot.conversation import Conversation, command_of
    from bot.followup import is_reset

    # "brief <topic>", "help" and "sources" are what they are in the chat and the channels, not questions.
    commands = Conversation(service)
    if args.batch:
        from bot.followup import Turn

        histories: dict[str, tuple[Turn, ...]] = {}
        for number, line in enumerate(lines, start=1):
            if line.strip():
                item, error = _batch_item(line)
                if error:  # said on its own output line; the rest are still answered
                    print(json.dumps({"id": item.get("id"), "line": number, "error": error}), flush=True)
                    continue
                conversation = item.get("conversation")
                history = histories.get(str(conversation), ()) if conversation is not None else ()
                if command_of(item["question"]) or is_reset(item["question"]):  # "start over" forgets the conversation
                    reply, remembered = commands.reply_in_context(item["question"], history)
                    said = _reply_json(reply)
                elif conversation is None:
                    remembered, said = None, _answer_json(service.answer(item["question"], filters))
                else:
                    contextual = commands.followups.answer(item["question"], history, filters)
                    remembered, said = contextual.history, _answer_json(contextual.answer)
                if conversation is not None and remembered is not None:
                    histories[str(conversation)] = remembered
                print(terminal_json({"id": item.get("id"), **said}, allow_nan=False), flush=True)
        return 0
    if command_of(args.question):
        if args.doc or args.kind or args.explain:
            parser.error("--doc, --kind and --explain are for questions, not for brief, help or sources")
        reply = commands.reply_to(args.question)
        print(terminal_json(_reply_json(reply), indent=2) if args.json else render_reply_for_terminal(reply))
        return 0
    answer = service.answer(args.question, filters)
    print(terminal_json(_answer_json(answer), indent=2) if args.json else render_for_terminal(answer))
    if args.explain:
        print(printable("\nHow this answer was reached:\n" + "\n".join(f"  {step}" for step in answer.trace)))
        print(f"  ({service.models.record()})")
    return 0


def _reply_json(reply: Reply) -> dict:
    """A command's reply as ``ask --json`` prints it: an answer's fields (a briefing's Markdown is its answer, its
    citations the briefing's), its kind, and a briefing's parts as ``brief --json`` gives them."""
    from bot.briefing import briefing_json
    from bot.conversation import ReplyKind

    if reply.answer is not None:
        return _answer_json(reply.answer)
    # Help and sources are no declines; a usage message ("brief" with no topic) is.
    declined = reply.kind not in (ReplyKind.HELP, ReplyKind.SOURCES, ReplyKind.RESET)
    said: dict = {"kind": str(reply.kind), "answer": reply.text, "citations": [], "abstained": declined}
    if reply.briefing is not None:
        parts = briefing_json(reply.briefing)
        said |= {"citations": parts["citations"], "abstained": not reply.briefing.points, "briefing": parts}
    return said


def _answer_json(answer: Answer) -> dict:
    """An answer as ``ask --json`` prints it, with its kind as a command's reply has one."""
    return {"kind": "answer", **answer.as_json()}


def _unknown_documents(service, slugs: list[str], kinds: list[str]) -> str:
    """What is wrong with ``--doc`` and ``--kind``, naming what there is ("" when both are fine)."""
    known_slugs = sorted(service.kb.by_slug)
    known_kinds = sorted({d.record.kind for d in service.kb.documents})
    wrong_slugs = [s for s in slugs if s not in known_slugs]
    wrong_kinds = [k for k in kinds if k not in known_kinds]
    if wrong_slugs:
        return f"no document {', '.join(map(repr, wrong_slugs))}; the documents are: {', '.join(known_slugs)}"
    if wrong_kinds:
        return f"no document of kind {', '.join(map(repr, wrong_kinds))}; the kinds are: {', '.join(known_kinds)}"
    return ""


def _batch_item(line: str) -> tuple[dict, str]:
    """One line of a batch file as a JSON object with a question, and what is wrong with it ("" when nothing is)."""
    not_an_object = 'not a JSON object with a "question" string'
    try:
        item = json.loads(line, parse_constant=_not_a_json_number, parse_float=_finite_float)
    except _NotStrictJson as exc:
        return {}, str(exc)
    except (ValueError, RecursionError):  # an attack review: a line "[[[[..." 100,000 deep had ended the whole batch
        return {}, not_an_object
    if not isinstance(item, dict) or not isinstance(item.get("question"), str):
        return (item if isinstance(item, dict) else {}), not_an_object
    if not item["question"].strip():  # an attack review: "" and "   " had been answered with the help text
        return item, 'the "question" is empty'
    return item, ""


class _NotStrictJson(ValueError):
    """A batch line with NaN or Infinity, which Python's json reads but JSON has not."""


def _not_a_json_number(constant: str) -> NoReturn:
    """Refuses NaN and Infinity. An attack review: an "id" of NaN was echoed as a bare NaN, and the output line was no
    longer JSON. Refused rather than echoed as the string "NaN": the id is there to match answers to questions, and a
    NaN id (a spreadsheet's empty cell, most likely) matches nothing, so the user is told which line to fix."""
    raise _NotStrictJson(f"not valid JSON: {constant} is not a JSON number (write it as a string, or leave it out)")


def _finite_float(text: str) -> float:
    """A JSON number as a float, refused when it is too large for one (1e999 would be echoed as Infinity)."""
    value = float(text)
    if not math.isfinite(value):
        _not_a_json_number(text)
    return value


def _chat(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    """The terminal as one more channel: the same commands as Teams and Telegram (help, sources, brief)."""
    from bot.conversation import Conversation
    from bot.facts import without_courtesy

    if sys.stdin.isatty():  # line editing and the arrow keys (a trial typed "^[[A"); its history stays in memory, never on disk
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401
    conversation = Conversation(load_service(settings))
    conversation.warm_up()  # the first brief is as fast as the rest: the one-off work happens now
    print("Ask about the ICS documents, or type help. Follow-ups work (\"who leads it?\", \"more\"); quit, exit or Ctrl-D ends the chat.")
    history: tuple = ()
    while True:
        try:
            message = input("\nYou: ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not message:
            continue  # an accidental Enter is not a goodbye
        if without_courtesy(message).lower().strip(" .!/") in QUIT_WORDS:  # "thanks, bye" too
            return 0
        try:
            reply, remembered = conversation.reply_in_context(message, history)
        except KeyboardInterrupt:
            # Ctrl-C while an answer is worked out stops that answer, as a shell stops a command; the chat and what it
            # remembers go on (an attack review: a traceback from inside the model ended the chat).
            print("\n(stopped; ask again, or quit)")
            continue
        history = history if remembered is None else remembered
        print("\n" + render_reply_for_terminal(reply))


def _eval(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from bot import evaluation

    if args.held_out and (args.gate_questions or "none").lower() != "none":
        parser.error("--gate-questions is for fitting, out of fold; --held-out fits nothing")
    gate_questions = [] if args.held_out else _gate_questions(args.gate_questions, parser)  # read before the slow start
    questions = _eval_file(evaluation.load_questions, args.questions)
    _check_details(args.details)
    service = load_service(settings)
    folds = sorted({q.fold for q in questions})
    ours = None
    if args.held_out:
        print(f"{len(questions)} questions from {args.questions}, scored with the shipped models ({service.models.fitted_on}), "
              "which never saw them: held out, nothing refitted\n", flush=True)
        systems: dict[str, evaluation.AnswerFn] = {"ours (shipped, held out)": service.answer}
    else:
        print(f"{len(questions)} questions from {args.questions}, {len(folds)} folds: every figure for ours is out-of-fold "
              "(models fitted on the other folds)\n", flush=True)
        ours = evaluation.out_of_fold(service, questions + gate_questions)
        systems = {"ours (out-of-fold)": ours}
    if args.in_sample and not args.held_out:
        systems["ours IN-SAMPLE (shipped models; not a result)"] = service.answer
    systems["baseline: page BM25"] = evaluation.page_bm25_baseline(service.kb)
    systems["baseline: tutorial"] = evaluation.tutorial_baseline(service.kb, service.embedder)
    tables: dict[str, dict[str, evaluation.Scores]] = {}
    ours_details: list[dict] = []
    for name, answer_fn in systems.items():
        details, latencies = evaluation.evaluate_with_latency(answer_fn, questions, service.kb)
        tables[name] = evaluation.scores_by_group(details, latencies, questions)
        if name.startswith("ours ("):
            ours_details = details
            if args.details:
                _write_details(args.details, details)
    for group in tables[next(iter(systems))]:
        count = sum(1 for q in questions if group == "all" or group in (f"category {q.category}", f"type {q.type}"))
        print(f"{group} ({count} questions)")
        print(evaluation.HEADER)
        for name, table in tables.items():
            print(table[group].row(name[:22]))
        if group == "all" and ours_details:
            bounds = ", ".join(f"{m} {lo:.2f}-{hi:.2f}" for m in ("cite", "must", "unans", "wrong") for lo, hi in [evaluation.interval(ours_details, m)])
            print(f"95% intervals of ours over resampled questions: {bounds}")
        print()
    if ours is not None and gate_questions:
        declined = sum(ours(q.question).abstained for q in gate_questions)
        print(f"off-topic questions written for the subject gate ({args.gate_questions or GATE_QUESTIONS}), out of fold: declined "
              f"{declined}/{len(gate_questions)} = {declined / len(gate_questions):.2f}\n")
    print("retrieval: recall of a gold page among the pages of the top k chunks (page BM25: top k pages;")
    print("answering: top k pages in the order of their best sentence, by the ranker of the other folds)")
    recalls = evaluation.retrieval_recall(service, questions)
    if ours is not None:
        recalls["answering"] = ours.ranked_page_recall()
    for name, recall in recalls.items():
        print(f"  {name:<10} " + "  ".join(f"@{k} {value:.2f}" for k, value in recall.items()))
    print(
        "\ncite: a gold page cited; must: all must-include facts present; unans: unanswerable declined; "
        "wrong: answerable declined;\nfaith: quotes verbatim on their page up to white space; glued: answers with words run together; ncite: citations per answer; "
        "chars: median answer length; p50/p95: latency (ours includes fitting each fold's models on first use)"
    )
    return 0


def _eval_file(load: Callable[[Path], list[_Loaded]], path: Path) -> list[_Loaded]:
    """``load(path)``, or the one line saying why the file cannot be used, and exit 2 (as ``parser.error`` exits)."""
    from bot.evaluation import EvalFileError

    try:
        return load(path)
    except EvalFileError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None


def _check_details(path: Path | None) -> None:
    """Stops, with one line, when the ``--details`` file cannot be written: found before the evaluation, not after it
    (an attack review: a folder that was not writable had ended a long run in a traceback). Opened to append, which
    changes nothing in a file that is there; one made for the test is removed again."""
    if path is None:
        return
    existed = path.exists()
    try:
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        print(f"Cannot write {path}: {reason_of(exc)}.", file=sys.stderr)
        raise SystemExit(2) from None
    if not existed:
        path.unlink()


def _write_details(path: Path, details: list[dict]) -> None:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in details), encoding="utf-8")


def _train(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from bot import evaluation, training
    from bot.ranker import MODELS_FILE

    gate_questions = _gate_questions(args.gate_questions, parser)  # read before the slow start
    questions = _eval_file(evaluation.load_questions, args.questions)
    service = load_service(settings, models=training.UNTRAINED)
    also = f" and {len(gate_questions)} off-topic ones for the subject gate" if gate_questions else ""
    models = training.fit(training.collect(service, questions + gate_questions), f"{args.questions.name}: {len(questions)} questions{also}, all folds")
    models = replace(models, text_pipeline=service.kb.manifest.text_pipeline)  # the text its features were read from
    models.save(MODELS_FILE)
    gate = (
        f"subject gate's threshold {models.subject_threshold:.3f}" if models.subject_gate is not None else
        f"no subject gate: fewer than {training.MIN_OFF_TOPIC_QUESTIONS} off-topic questions, or a fold without one kind"
    )
    print(f"Wrote {MODELS_FILE} (threshold {models.threshold:.3f}; {gate}); `python -m bot eval` gives the out-of-fold figures.")
    return 0


def _gate_questions(path: str | None, parser: argparse.ArgumentParser) -> list[EvalQuestion]:
    """The off-topic questions written for the subject gate (GATE_QUESTIONS unless another ``path`` is given), marked as
    such whatever the file says."""
    from bot import evaluation

    path = path or str(GATE_QUESTIONS)
    if path.lower() == "none":
        return []
    if not Path(path).is_file():
        parser.error(f"no such file of off-topic questions for the subject gate: {path} (or say --gate-questions none)")
    questions = _eval_file(evaluation.load_questions, Path(path))
    if answerable := [q.id for q in questions if q.answerable]:
        parser.error(f"{path} is for off-topic questions, which have no evidence; these have some: {', '.join(answerable[:5])}")
    return [replace(q, gate_only=True) for q in questions]


def _compare(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    """No knowledge base needed: two files of per-question results, and the questions' categories."""
    from bot import evaluation  # imported late, as in _eval: it brings in the baselines' libraries

    before, after = (_read_details(path, parser, evaluation.RESULT_FIELDS) for path in (args.before, args.after))
    paired = evaluation.pairs(before, after)
    if not paired:
        parser.error(f"{args.before} and {args.after} share no question: nothing to compare")
    unpaired = len(before) - len(paired), len(after) - len(paired)
    print(f"{len(paired)} questions in both" + (f" ({unpaired[0]} only before and {unpaired[1]} only after, left out)" if any(unpaired) else ""))
    category = {}
    if args.questions.exists():
        category = {q.id: q.category for q in _eval_file(evaluation.load_questions, args.questions)}
    else:
        print(f"{args.questions} is missing: categories are shown as ?")
    print(f"\n{'':<6} {'before':>6} {'after':>6} {'change':>7}   95% interval of the change; * : p < {evaluation.SIGNIFICANCE} (exact sign test)")
    for change in evaluation.compare(before, after):
        print(change.row())
    flips: dict[str, list[str]] = {}
    for old, new in paired:
        moved = [f for f in evaluation.RESULT_FIELDS if old[f] != new[f]]
        if moved:
            said = ", ".join(f"{f} {old[f]}->{new[f]}" for f in moved)
            flips.setdefault(category.get(old["id"], "?"), []).append(f"{old['id']} ({said})")
    print(f"\nquestions whose outcome moved: {sum(len(v) for v in flips.values())}")
    for name, items in sorted(flips.items()):
        print(f"  {name}: " + "; ".join(items))
    return 0


def _read_details(path: Path, parser: argparse.ArgumentParser, fields: tuple[str, ...]) -> list[dict]:
    try:
        results = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as exc:
        parser.error(f"{path}: not a file of `eval --details` results ({exc.__class__.__name__})")
    needed = ("id", "answerable", *fields)
    if not results or not all(isinstance(r, dict) and all(k in r for k in needed) for r in results):
        parser.error(f"{path}: not a file of `eval --details` results (each line an object with {', '.join(needed)})")
    return results


def _eval_dialogues(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from bot import dialogue_eval
    from bot.followup import Tunables

    args.dialogues = args.dialogues or Path("eval/heldout_dialogues.jsonl" if args.held_out else "eval/dialogues.jsonl")
    dialogues = _eval_file(dialogue_eval.load_dialogues, args.dialogues)  # read before the slow start, as the details' file is tried
    _check_details(args.details)
    service = load_service(settings)
    fitted: dict[int, Tunables] = {}
    if args.held_out:
        outcomes = dialogue_eval.evaluate_shipped(dialogues, service)
        print(f"{len(dialogues)} dialogues from {args.dialogues}, held out; last turns scored, the shipped tunables\n")
    else:
        outcomes, fitted = dialogue_eval.evaluate(dialogues, service)
        print(f"{len(dialogues)} dialogues from {args.dialogues}; last turns scored, tunables fitted on the other folds\n")
    print(dialogue_eval.HEADER)
    print(dialogue_eval.score(outcomes, lambda o: o.answer).row("with context"))
    print(dialogue_eval.score(outcomes, lambda o: o.alone).row("no context"))
    print("\nby kind (with context / no context):")
    for kind in dict.fromkeys(d.kind for d in dialogues):
        chosen = [o for o in outcomes if o.dialogue.kind == kind]
        print(f"  {kind:<22} n={len(chosen)}  {dialogue_eval.kind_summary(chosen)}")
    print("\ntunables: the shipped ones" if args.held_out else "\ntunables per held-out fold: " + "; ".join(
        f"{fold}: {t.max_ellipsis_words}/{t.max_leaning_content_words}/{'kept' if t.decline_without_new_figure else 'not kept'}/{'led' if t.lead_with_words_typed else 'not led'}"
        for fold, t in fitted.items()
    ))
    print(
        "\ncite: a gold page cited; must: all must-include facts present; unans: unanswerable declined; "
        "switch: a new question answered as it is alone;\nkind: read as its kind of follow-up; p95 ms: resolving a message, one sample each between answers "
        "(noisy: benchmarks/followup.py measures it properly); tunables: max ellipsis words / max leaning content words / the no-new-figure decline rule / "
        "a pronoun follow-up's answer led by the words typed"
    )
    if args.details:
        _write_details(args.details, [dialogue_eval.details(o) for o in outcomes])
    return 0


def _actions(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from dataclasses import asdict

    from bot.action_query import filter_actions

    service = load_service(settings)
    try:
        action_filter, calendar_year = service.filter_of_options(args.due, args.lead, args.theme, args.text, settings.current_date())
    except ValueError as exc:
        parser.error(str(exc))
    if calendar_year:
        answer = service.actions_due_in_calendar_year(calendar_year, action_filter)  # as "what's due in 2024?" is told
        rows = answer.actions.rows() if answer.actions is not None else []
    else:
        answer, rows = service.answer_actions(action_filter), filter_actions(service.kb.actions, action_filter)
    print(terminal_json([asdict(row) for row in rows], indent=2) if args.json else render_for_terminal(answer))
    return 0


def _brief(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from bot.briefing import BriefingWriter, briefing_json, render_terminal, save_briefing
    from bot.conversation import topic_problem

    if problem := topic_problem(args.topic):  # as the channels say it: `brief ""` had printed "The documents do not cover ."
        parser.error(problem)
    if args.out and args.out.suffix.lower() not in (".md", ".docx"):
        parser.error("--out needs a file name ending in .md or .docx")
    if args.out and (problem := why_unwritable(args.out)):
        # Checked before the minute of work, not found out after it (an attack review: "--out notes.md" naming a folder).
        print(f"Cannot write {args.out}: {problem}.", file=sys.stderr)
        return 2
    replacing = bool(args.out) and args.out.exists()
    briefing = BriefingWriter(load_service(settings)).write(args.topic)
    # Printed before the file is written: a folder or file that turns out read-only loses the file, not the briefing.
    print(terminal_json(briefing_json(briefing), indent=2) if args.json else render_terminal(briefing), flush=True)
    if args.out:
        try:
            save_briefing(briefing, args.out)
        except OSError as exc:  # an attack review: a read-only folder or file had ended in a traceback
            print(f"Cannot write {args.out}: {reason_of(exc)}. The briefing is printed above.", file=sys.stderr)
            return 1
        print(f"Wrote {args.out}" + (" (replaced the file that was there)" if replacing else ""), file=sys.stderr)
    return 0


def _sources(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from bot.conversation import Conversation

    print(printable(Conversation(load_service(settings)).sources_text()))
    return 0


def _help(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from bot.conversation import EXAMPLE_QUESTIONS, HELP_TEXT

    print(HELP_TEXT + "\n\nFor example:\n" + "\n".join(f"  {q}" for q in EXAMPLE_QUESTIONS))
    print("\nOn the command line: python -m bot --help lists the commands.")
    return 0


def _serve(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from bot.teams.server import run

    try:
        check_teams_identity(settings)  # before the model loads: botbuilder would say it only once the server starts
    except ConfigurationError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    return run(settings)


def _telegram(args, settings: Settings, parser: argparse.ArgumentParser) -> int:
    from bot.telegram.runner import run

    return run(settings)


QUIT_WORDS = frozenset({"quit", "exit", "bye", "q"})


def render_reply_for_terminal(reply: Reply) -> str:
    """An answer with its sources; a briefing with how to get its Word version; anything else as it is."""
    from bot.briefing import render_terminal

    if reply.answer is not None:
        return render_for_terminal(reply.answer)
    lines = [render_terminal(reply.briefing) if reply.briefing is not None else reply.text]
    for attachment in reply.attachments:
        if topic := attachment.remake.get("briefing"):
            # Safe to paste: double quotes where nothing in the topic means anything inside them, else shlex's quoting.
            quoted = f'"{topic}"' if topic.isprintable() and set(topic).isdisjoint('"\\$`!') else shlex.quote(topic)
            lines.append(f"\n(Word version: python -m bot brief {quoted} --out {shlex.quote(attachment.name)})")
    if reply.suggestions:
        lines.append("\nFor example:\n" + "\n".join(f"  {q}" for q in reply.suggestions))
    return printable("\n".join(lines))


def render_for_terminal(answer: Answer) -> str:
    lines = [answer.text]
    if answer.citations:
        lines.append("\nSources:")
        lines += [f"  [{c.n}] {c.title}, p. {c.page}: \"{c.quote}\"" for c in answer.citations]
    # The documents' text and titles, and what was typed, shown as a terminal shows them, never acted on (``printable``).
    return printable("\n".join(lines))


def _main_piped() -> int:
    """``main``, quiet when its reader stops early (``python -m bot actions --json | head``): what Python's
    documentation advises for SIGPIPE, not a traceback."""
    try:
        code = main()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the interpreter's last flush would fail again
        return 1


if __name__ == "__main__":
    sys.exit(_main_piped())
