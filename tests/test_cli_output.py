"""The command line as a user runs it: only what was asked for, and no model where none is needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import ranker
from bot.__main__ import main
from bot.action_query import led_by
from index.due_dates import financial_year_of
from tests.support.paths import REPO
from tests.test_ingest import BIKE_PAGES, write_pdf

# Runs a command of ``python -m bot`` and says afterwards whether the embedding model was imported.
PROBE = (
    "import sys\n"
    "from bot.__main__ import main\n"
    "code = main(sys.argv[1:])\n"
    "print('MODEL LOADED' if 'sentence_transformers' in sys.modules else 'NO MODEL', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def run_bot(args: list[str], kb_dir: Path, probe: bool = False, **env: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", PROBE, *args] if probe else [sys.executable, "-m", "bot", *args]
    environment = {**os.environ, "KB_DIR": str(kb_dir), "PYTHONPATH": str(REPO), **env}
    return subprocess.run(command, cwd=REPO, env=environment, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["actions", "--due", "2023/24"], "actions are due in 2023/24"),
        (["sources"], "I know these documents"),
        (["help"], "brief <topic>"),
    ],
)
def test_table_lookups_sources_and_help_never_load_the_model(corpus_kb_dir, args, expected):
    result = run_bot(args, corpus_kb_dir, probe=True)

    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    assert result.stderr == "NO MODEL\n"  # and nothing else: no progress bar, no log lines


def test_a_question_prints_the_answer_and_nothing_else(corpus_kb_dir):
    result = run_bot(["ask", "What was the ICS carbon footprint in 2020/21?"], corpus_kb_dir)

    assert result.returncode == 0, result.stderr
    assert "258,211" in result.stdout
    assert result.stderr == ""  # no "Loading weights" bar


def test_with_logging_on_loading_says_nothing_at_debug_level(corpus_kb_dir):
    """The servers log at INFO; bm25s set its own logger to DEBUG and printed a line at every start."""
    script = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')\n"
        "from bot.config import Settings\n"
        "from bot.runtime import load_conversation\n"
        "load_conversation(Settings(kb_dir=__import__('pathlib').Path(sys.argv[1])))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(corpus_kb_dir)], cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )

    assert result.returncode == 0, result.stderr
    assert "DEBUG" not in result.stderr and "Loading weights" not in result.stderr, result.stderr


def test_the_first_run_says_how_long_building_takes_before_it_starts(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_pdf(corpus / "travel-plan.pdf", BIKE_PAGES, title="Staff Travel Plan 2023")

    result = run_bot(["sources"], tmp_path / "kb", CORPUS_DIR=str(corpus))

    assert result.returncode == 0, result.stderr
    first_line = result.stderr.splitlines()[0]
    assert "building the knowledge base" in first_line and "about a minute" in first_line and "(1 file)" in first_line
    assert "Staff Travel Plan 2023" in result.stdout or "travel-plan" in result.stdout


@pytest.mark.parametrize("args", [["sources"], ["ask", "who chairs the board?"], ["serve"]], ids=["sources", "ask", "serve"])
def test_a_knowledge_base_folder_that_is_a_file_is_said_in_one_line_before_the_build(args, tmp_path):
    """An attack review: `--index` (or KB_DIR) naming a file, or a folder inside one, had a first start build the
    knowledge base from the corpus, then end on mkdir's traceback. No model is loaded: nothing was built first."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("Waste Notes\nClinical waste is collected twice a week.\n", encoding="utf-8")
    a_file = tmp_path / "kb-file"
    a_file.write_text("not a folder\n", encoding="utf-8")
    for index in (a_file, a_file / "kb"):
        result = run_bot(["--index", str(index), *args], tmp_path / "unused", probe=True, CORPUS_DIR=str(corpus), PORT="0")
        said = f"Cannot use {index} as the knowledge base folder: {a_file} is a file, not a folder.\nNO MODEL\n"
        assert result.returncode == 2 and result.stderr.endswith(said) and "Traceback" not in result.stderr, result.stderr
        assert result.stdout == "" and a_file.read_text(encoding="utf-8") == "not a folder\n"


def test_a_knowledge_base_folder_that_is_a_link_to_nothing_is_said_in_one_line_before_the_build(tmp_path):
    """A review: a link to nothing as KB_DIR, or links in a loop, built the whole knowledge base and then ended on a
    FileExistsError traceback ("Too many levels of symbolic links" for the loop)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("Waste Notes\nClinical waste is collected twice a week.\n", encoding="utf-8")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    for link, target in (("dangling", "nowhere"), ("loop-a", "loop-b")):
        result = run_bot(["sources"], tmp_path / link, probe=True, CORPUS_DIR=str(corpus))
        said = f"Cannot use {tmp_path / link} as the knowledge base folder: {tmp_path / link} is a link to {tmp_path / target}, which leads to no folder.\nNO MODEL\n"
        assert result.returncode == 2 and result.stderr.endswith(said), result.stderr


def test_ingest_into_a_file_is_said_in_one_line_before_the_build(tmp_path):
    """As above, for `python -m ingest`: it had built the whole corpus, then failed to write it."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("Waste Notes\nClinical waste is collected twice a week.\n", encoding="utf-8")
    a_file = tmp_path / "kb-file"
    a_file.write_text("not a folder\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "ingest", str(corpus), "--index", str(a_file)], cwd=REPO, capture_output=True, text=True,
        timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    said = f"Cannot use {a_file} as the knowledge base folder: {a_file} is a file, not a folder. Nothing was changed.\n"
    assert (result.returncode, result.stderr, result.stdout) == (2, said, "")
    assert a_file.read_text(encoding="utf-8") == "not a folder\n"


def test_brief_into_a_missing_folder_stops_before_the_work(corpus_kb_dir, tmp_path, capsys):
    out = tmp_path / "no-such-folder" / "briefing.md"

    assert main(["--index", str(corpus_kb_dir), "brief", "net zero", "--out", str(out)]) == 2

    captured = capsys.readouterr()
    assert "does not exist" in captured.err and "Traceback" not in captured.err
    assert captured.out == ""  # no briefing was written to the screen either: the work never started
    assert not out.exists()


def test_brief_to_a_folder_stops_before_the_work(corpus_kb_dir, tmp_path):
    """An attack review: `--out` naming a folder ended in a traceback after the briefing was written, and lost it."""
    folder = tmp_path / "briefing.docx"
    folder.mkdir()

    result = run_bot(["brief", "net zero", "--out", str(folder)], corpus_kb_dir, probe=True)

    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"Cannot write {folder}: it is a folder; give a file name.\nNO MODEL\n"


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs a folder no one may create files in, even root: /sys")
def test_brief_that_cannot_be_written_still_prints_the_briefing(corpus_kb_dir):
    """An attack review: a read-only folder or file ended in a traceback and the briefing was never shown."""
    out = Path("/sys/briefing.docx")  # sysfs refuses new files; a read-only folder would not stop the tests' root user

    result = run_bot(["brief", "net zero", "--out", str(out)], corpus_kb_dir)

    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "Briefing: net zero" in result.stdout
    assert result.stderr.startswith(f"Cannot write {out}: ") and result.stderr.endswith(". The briefing is printed above.\n")
    assert len(result.stderr.splitlines()) == 1


def test_brief_says_when_it_replaces_an_existing_file(corpus_kb_dir, tmp_path, capsys):
    out = tmp_path / "briefing.md"
    out.write_text("last week's briefing", encoding="utf-8")

    assert main(["--index", str(corpus_kb_dir), "brief", "net zero", "--out", str(out)]) == 0

    assert f"Wrote {out} (replaced the file that was there)" in capsys.readouterr().err
    assert "net zero" in out.read_text(encoding="utf-8").lower()


def test_ask_takes_the_commands_the_chat_takes(corpus_kb_dir, tmp_path, capsys):
    """A new user's trial ran `ask "brief cancer performance"` and got an answer ending "ask for a briefing: brief brief
    cancer performance"; in a batch, a briefing is one line, and a follow-up after it in the same conversation reads
    it as the chat does."""
    import json

    assert main(["--index", str(corpus_kb_dir), "ask", "brief inhalers"]) == 0
    shown = capsys.readouterr().out
    assert "Key figures" in shown and "brief brief" not in shown and 'python -m bot brief "inhalers" --out' in shown

    batch = tmp_path / "batch.jsonl"
    lines = [
        {"id": "b", "question": "brief inhalers", "conversation": "c"},
        {"id": "p", "question": "tell me more about point 9", "conversation": "c"},
        {"id": "h", "question": "help"},
    ]
    batch.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert main(["--index", str(corpus_kb_dir), "ask", "--json", "--batch", str(batch)]) == 0
    said = {line["id"]: line for line in map(json.loads, capsys.readouterr().out.splitlines())}
    briefing = said["b"]
    assert briefing["kind"] == "briefing" and not briefing["abstained"] and briefing["briefing"]["points"]
    assert {c["slug"] for c in briefing["citations"]} == {c["slug"] for c in briefing["briefing"]["citations"]}
    assert "which one do you mean?" in said["p"]["answer"]  # the batch remembered the briefing's points
    assert said["h"]["kind"] == "help" and "brief <topic>" in said["h"]["answer"] and not said["h"]["abstained"]


def test_commands_are_told_from_questions_that_start_with_their_word():
    """A review: ask had answered "help with travel costs?" with the help text."""
    from bot.conversation import command_of

    assert [command_of(m) for m in ("help", "/help", "help?", "", "sources", "/Sources", "brief net zero", "/brief", "brief")] == [
        "help", "help", "help", "help", "sources", "sources", "brief", "brief", "brief"
    ]
    assert [command_of(m) for m in ("help with travel costs?", "help me find the green plan targets", "sources of emissions?")] == [None] * 3
    assert command_of("help me") == command_of("help please") == "help"


@pytest.mark.parametrize(
    ("message", "command"),
    [
        # A new user's trial: each was declined as "not found in the documents".
        ("what can you do?", "help"),
        ("Who are you?", "help"),
        ("how do I use this bot", "help"),
        ("thanks - what can I ask you?", "help"),
        ("what documents do you have?", "sources"),
        ("what documents are there?", "sources"),
        ("which reports are you based on", "sources"),
        # Questions about the documents, and follow-ups, stay questions.
        ("what can you tell me about the green plan?", None),
        ("what do you know about net zero?", None),
        ("what are you doing about travel emissions", None),
        ("how does it work?", None),
        ("what is this?", None),
        ("what can I do?", None),  # a review: follow-ups had been read as asking for help or the documents' list
        ("which reports are there?", None),
    ],
)
def test_a_message_asking_about_the_bot_itself_gets_help_or_the_documents(message, command):
    from bot.conversation import command_of

    assert command_of(message) == command


def test_a_batch_conversation_starts_over_and_flags_for_questions_are_refused_for_commands(corpus_kb_dir, tmp_path, capsys):
    """A review: "start over" in a batch conversation kept its history, and --doc or --explain beside "brief ..."
    were ignored without a word."""
    lines = [
        {"id": "1", "question": "what was the ics carbon footprint in 2020/21?", "conversation": "c"},
        {"id": "2", "question": "start over", "conversation": "c"},
        {"id": "3", "question": "and in 2019/20?", "conversation": "c"},
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert main(["--index", str(corpus_kb_dir), "ask", "--json", "--batch", str(batch)]) == 0
    said = {line["id"]: line for line in map(json.loads, capsys.readouterr().out.splitlines())}
    assert said["1"]["kind"] == "answer" and "258,211" in said["1"]["answer"]
    assert said["2"]["kind"] == "reset"
    assert "258,211" not in said["3"]["answer"] and "footprint" not in said["3"]["answer"].lower()  # nothing to follow on from
    with pytest.raises(SystemExit) as stopped:
        main(["--index", str(corpus_kb_dir), "ask", "--explain", "brief net zero"])
    assert stopped.value.code == 2 and "not for brief" in capsys.readouterr().err


def test_an_unknown_document_is_named_with_the_ones_there_are(corpus_kb_dir):
    result = run_bot(["ask", "--doc", "nonexistent", "cancer"], corpus_kb_dir)
    assert result.returncode == 2
    assert "no document 'nonexistent'" in result.stderr and "cw-phm-roadmap" in result.stderr


def test_a_bad_batch_line_is_reported_and_the_others_answered(corpus_kb_dir, tmp_path):
    import json

    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"id": "a", "question": "total inhaler emissions in 20/21?"}\nnot json\n{"id": "c"}\n', encoding="utf-8")
    result = run_bot(["ask", "--json", "--batch", str(batch)], corpus_kb_dir)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert "27,420" in lines[0]["answer"]
    assert [(line["id"], line["line"]) for line in lines[1:]] == [(None, 2), ("c", 3)]
    assert all("question" in line["error"] for line in lines[1:])


def test_batch_lines_too_deep_blank_or_not_strict_json_get_an_error_line_and_the_rest_are_answered(corpus_kb_dir, tmp_path):
    """An attack review: a line nested 100,000 deep ended the batch with a traceback, a byte-order mark (Notepad, Excel)
    made line 1 "not a JSON object", an "id" of NaN was echoed as a bare NaN (not JSON), and a blank question got the
    help text."""
    batch = tmp_path / "batch.jsonl"
    lines = [
        '{"id": "bom", "question": "who leads the water actions"}',
        "[" * 100_000,
        '{"id": NaN, "question": "who leads the water actions"}',
        '{"id": 1e999, "question": "who leads the water actions"}',
        '{"id": "blank", "question": "   "}',
        '{"id": "empty", "question": ""}',
        '{"id": "last", "question": "who leads the water actions"}',
    ]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")

    result = run_bot(["ask", "--json", "--batch", str(batch)], corpus_kb_dir)

    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-500:]
    said = [json.loads(line, parse_constant=lambda constant: pytest.fail(f"{constant} in the output: not JSON")) for line in result.stdout.splitlines()]
    assert [line.get("line") for line in said] == [None, 2, 3, 4, 5, 6, None]
    assert "Water" in said[0]["answer"] and "Water" in said[-1]["answer"]
    assert said[1]["error"] == 'not a JSON object with a "question" string'
    assert said[2]["id"] is None and "NaN is not a JSON number" in said[2]["error"]
    assert "1e999 is not a JSON number" in said[3]["error"]
    assert [(line["id"], line["error"]) for line in said[4:6]] == [("blank", 'the "question" is empty'), ("empty", 'the "question" is empty')]


def test_text_that_is_not_utf8_is_answered_not_a_traceback(corpus_kb_dir, tmp_path):
    """An attack review: a Latin-1 "é" typed in a terminal set to it ("caf\\xe9", which Python reads as a lone
    surrogate) and a JSON "\\ud800" in a batch failed the embedding model's tokenizer with a traceback; the chat ended."""
    asked = run_bot(["ask", "caf\udce9 net zero targets"], corpus_kb_dir)
    assert asked.returncode == 0 and "Traceback" not in asked.stderr, asked.stderr
    assert "2040" in asked.stdout

    briefed = run_bot(["brief", "caf\udce9 water"], corpus_kb_dir)
    assert briefed.returncode == 0 and "Traceback" not in briefed.stderr, briefed.stderr
    assert "Briefing: caf\ufffd water" in briefed.stdout

    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"id": "s", "question": "what is the \\ud800 net zero target"}\n{"id": "w", "question": "who leads the water actions"}\n')
    batched = run_bot(["ask", "--json", "--batch", str(batch)], corpus_kb_dir)
    assert batched.returncode == 0 and "Traceback" not in batched.stderr, batched.stderr
    said = {line["id"]: line for line in map(json.loads, batched.stdout.splitlines())}
    assert "2040" in said["s"]["answer"] and "Water" in said["w"]["answer"]

    environment = {**os.environ, "KB_DIR": str(corpus_kb_dir), "PYTHONPATH": str(REPO)}
    chat = subprocess.run(
        [sys.executable, "-m", "bot", "chat"], cwd=REPO, env=environment, capture_output=True, timeout=300,
        input="caf\xe9 net zero targets\nwho leads the water actions\n".encode("latin-1"),
    )
    assert chat.returncode == 0 and b"Traceback" not in chat.stderr, chat.stderr
    assert b"2040" in chat.stdout and b"Water" in chat.stdout  # the chat went on to the next question


def test_brief_with_no_topic_or_too_long_a_topic_says_so_as_the_channels_do(corpus_kb_dir):
    """An attack review: `brief ""` printed "The documents do not cover ." and a 2,000-character topic was briefed, where
    the channels refuse both."""
    empty = run_bot(["brief", ""], corpus_kb_dir)
    assert empty.returncode == 2 and "Type brief and a topic" in empty.stderr and empty.stdout == ""
    long = run_bot(["brief", "water " * 400], corpus_kb_dir)
    assert long.returncode == 2 and "That is too long for a briefing topic (2,400 characters)" in long.stderr


def test_a_batch_file_that_cannot_be_read_is_said_so_without_a_traceback(corpus_kb_dir, tmp_path):
    """A review's run with a batch file name that was not there got a Python traceback."""
    missing = tmp_path / "missing.jsonl"
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00")
    for path, reason in ((missing, "No such file or directory"), (binary, "it is not UTF-8 text"), (tmp_path, "Is a directory")):
        result = run_bot(["ask", "--json", "--batch", str(path)], corpus_kb_dir)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert f"cannot read the batch file {path}: {reason}" in result.stderr


def test_models_fitted_on_other_features_are_reported_without_a_traceback(corpus_kb_dir, tmp_path, monkeypatch, capsys):
    # A checkout whose code moved on from its fitted models (a pull without `python -m bot train`).
    data = json.loads(ranker.MODELS_FILE.read_text())
    data["feature_version"] = 0
    stale = tmp_path / "answering.json"
    stale.write_text(json.dumps(data))
    monkeypatch.setattr(ranker, "MODELS_FILE", stale)

    assert main(["--index", str(corpus_kb_dir), "ask", "how many EV charging points has SWFT got"]) == 2

    captured = capsys.readouterr()
    assert "python -m bot train" in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


EVAL_FILES = {
    "bad-json.jsonl": ('{"id": "q1", "question": "x", "fold": 1, "kind": "more", "turns": [{"question": "x"}]}\n\n{"id": "q2",\n', 'line 3: not valid JSON (Expecting property name enclosed in double quotes).'),
    "no-id.jsonl": ('{"question": "x", "fold": 1, "kind": "more", "turns": [{"question": "x"}]}\n', 'line 1: no "id".'),
    "page.jsonl": ('{"id": "q", "question": "x", "fold": 1, "kind": "more", "evidence": [{"slug": "s", "page": "x"}], '
                   '"turns": [{"question": "x", "evidence": [{"slug": "s", "page": "x"}]}]}\n', 'line 1: "page" is not a whole number: "x".'),
    "fold.jsonl": ('{"id": "q", "question": "x", "fold": 1.5, "kind": "more", "turns": [{"question": "x"}]}\n', 'line 1: "fold" is not a whole number: 1.5.'),
}


@pytest.mark.parametrize("command", ["eval", "eval-dialogues"])
def test_an_eval_file_that_cannot_be_used_is_said_in_one_line_before_the_model_loads(command, tmp_path):
    """An attack review: a missing file, a folder, bad JSON, a missing "id", a page or fold of "x" or 1.5, and an empty
    file were tracebacks, most after the model had loaded. The knowledge base here cannot be built (no documents): the
    file's message, alone, shows it was read first."""
    environment = {"CORPUS_DIR": str(tmp_path / "no-documents")}
    said = {tmp_path / "missing.jsonl": f"Cannot read {tmp_path / 'missing.jsonl'}: No such file or directory.", tmp_path: f"Cannot read {tmp_path}: Is a directory."}
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    said[tmp_path / "empty.jsonl"] = f"{tmp_path / 'empty.jsonl'}: no {'questions' if command == 'eval' else 'dialogues'} in it."
    for name, (text, problem) in EVAL_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        said[tmp_path / name] = f"{tmp_path / name}, {problem}"
    for path, message in said.items():
        result = run_bot([command, str(path)], tmp_path / "kb", **environment)
        assert (result.returncode, result.stderr, result.stdout) == (2, message + "\n", ""), path


@pytest.mark.parametrize(("command", "questions"), [("eval", "questions.jsonl"), ("eval-dialogues", "dialogues.jsonl")])
def test_a_details_file_that_cannot_be_written_is_found_before_the_evaluation(command, questions, tmp_path):
    """An attack review: `--details` into a folder that was not writable ended the run in a traceback, the table unprinted."""
    environment = {"CORPUS_DIR": str(tmp_path / "no-documents")}  # as above: no knowledge base is loaded before the check
    folder = tmp_path / "details.jsonl"
    folder.mkdir()
    unwritable = [(folder, "Is a directory"), (tmp_path / "no" / "details.jsonl", "No such file or directory")]
    for path, reason in unwritable:
        result = run_bot([command, str(REPO / "eval" / questions), "--details", str(path)], tmp_path / "kb", **environment)
        assert (result.returncode, result.stderr) == (2, f"Cannot write {path}: {reason}.\n")
    kept = tmp_path / "last-run.jsonl"
    kept.write_text('{"id": "q1"}\n', encoding="utf-8")
    result = run_bot([command, str(REPO / "eval" / questions), "--details", str(kept)], tmp_path / "kb", **environment)
    assert result.returncode == 2 and "No readable documents" in result.stderr  # it got as far as the knowledge base
    assert kept.read_text(encoding="utf-8") == '{"id": "q1"}\n'  # and the check changed nothing in the file there
    result = run_bot([command, str(REPO / "eval" / questions), "--details", str(tmp_path / "new.jsonl")], tmp_path / "kb", **environment)
    assert result.returncode == 2 and "No readable documents" in result.stderr
    assert not (tmp_path / "new.jsonl").exists()  # nor left a file made to try it


def test_held_out_questions_are_scored_with_the_shipped_models_alone(corpus_kb_dir, tmp_path):
    """`eval --held-out` scores a check set the models never saw, and fits nothing on it."""
    held_out = [json.loads(line) for line in (REPO / "eval" / "heldout_questions.jsonl").read_text().splitlines()]
    developed = [json.loads(line) for line in (REPO / "eval" / "questions.jsonl").read_text().splitlines()]
    assert not {q["question"].lower() for q in held_out} & {q["question"].lower() for q in developed}
    sample = tmp_path / "sample.jsonl"
    sample.write_text("".join(json.dumps(q) + "\n" for q in held_out[::12]))

    result = run_bot(["eval", str(sample), "--held-out"], corpus_kb_dir)

    assert result.returncode == 0, result.stderr
    assert "never saw them" in result.stdout
    rows = [line for line in result.stdout.splitlines() if line.startswith("ours")]
    assert rows and all(row.startswith("ours (shipped, held ou") for row in rows)  # no out-of-fold refit
    figures = rows[0][len("ours (shipped, held ou") :].split()  # cite, must, unans, wrong, faith, ...
    assert figures[4] == "1.00"  # faith: every quote is on its page


def test_a_reader_that_stops_early_gets_no_traceback(corpus_kb_dir):
    """``python -m bot actions --json | head`` closes the pipe after a few lines: the rest is not written and
    nothing is printed about it (it had been a BrokenPipeError traceback)."""
    environment = {**os.environ, "KB_DIR": str(corpus_kb_dir), "PYTHONPATH": str(REPO)}
    # Only output larger than the pipe's buffer (64 KiB on Linux) meets a closed pipe: this test needs that much.
    assert len(run_bot(["actions", "--json"], corpus_kb_dir).stdout.encode()) > 2**16
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot", "actions", "--json"], cwd=REPO, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert bot.stdout is not None and bot.stderr is not None
    assert bot.stdout.read(10).startswith(b"[")
    bot.stdout.close()
    errors = bot.stderr.read().decode()
    bot.wait(timeout=300)
    assert "Traceback" not in errors and "BrokenPipeError" not in errors


def test_ctrl_c_while_an_answer_is_worked_out_stops_that_answer_not_the_chat(corpus_kb_dir, monkeypatch, capsys):
    """An attack review: Ctrl-C while the chat answered ended it with a traceback from inside the model. The interrupt
    arrives inside the first answer here, as SIGINT would; the chat says so and answers the next question."""
    from bot.conversation import Conversation

    reply_in_context = Conversation.reply_in_context
    interrupted = []

    def interrupted_once(self, message, history):
        if not interrupted:
            interrupted.append(message)
            raise KeyboardInterrupt
        return reply_in_context(self, message, history)

    monkeypatch.setattr(Conversation, "reply_in_context", interrupted_once)
    typed = iter(["what is the ICS carbon footprint?", "who leads the water actions?", "quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    assert main(["--index", str(corpus_kb_dir), "chat"]) == 0
    out = capsys.readouterr().out
    assert interrupted and "(stopped; ask again, or quit)" in out and "Water" in out


@pytest.mark.parametrize(
    ("identity", "said"),
    [
        (
            {"MicrosoftAppId": "x", "MicrosoftAppPassword": "y", "MicrosoftAppType": "SingleTenant", "MicrosoftAppTenantId": ""},
            "MicrosoftAppTenantId should be set: MicrosoftAppType SingleTenant needs it",
        ),
        (
            {"MicrosoftAppId": "", "MicrosoftAppPassword": "", "MicrosoftAppType": "singletenant", "MicrosoftAppTenantId": "t"},
            "MicrosoftAppId and MicrosoftAppPassword should be set: MicrosoftAppType singletenant needs them",
        ),
    ],
    ids=["no-tenant", "no-app-id-or-password"],
)
def test_a_teams_identity_missing_what_its_app_type_needs_is_said_in_one_line_before_the_model_loads(identity, said, tmp_path):
    """A new user's trial: SingleTenant without MicrosoftAppTenantId loaded the model, then ended on botbuilder's
    traceback "Property 'APP_TENANTID' is expected in configuration object"."""
    (tmp_path / "corpus").mkdir()  # nothing to build: the old code ended at once on that, not after a build
    result = run_bot(["serve"], tmp_path / "kb", probe=True, PORT="0", CORPUS_DIR=str(tmp_path / "corpus"), **identity)

    assert result.returncode == 2
    assert result.stderr == f"Configuration error: {said}\nNO MODEL\n"


@pytest.mark.parametrize(
    ("identity", "said"),
    [
        ({"MicrosoftAppType": "Bogus"}, "MicrosoftAppType should be one of MultiTenant, SingleTenant or UserAssignedMSI, not 'Bogus'"),
        (
            {"MicrosoftAppId": "x", "MicrosoftAppType": "UserAssignedMSI", "MicrosoftAppTenantId": ""},
            "MicrosoftAppTenantId should be set: MicrosoftAppType UserAssignedMSI needs it",
        ),
        (
            {"MicrosoftAppId": "", "MicrosoftAppType": "UserAssignedMSI", "MicrosoftAppTenantId": "t"},
            "MicrosoftAppId should be set: MicrosoftAppType UserAssignedMSI needs it",
        ),
    ],
    ids=["unknown-type", "msi-without-tenant", "msi-without-app-id"],
)
def test_an_app_type_botbuilder_does_not_know_or_an_msi_without_its_ids_is_refused_in_one_line(identity, said, tmp_path):
    """A new user's trial: botbuilder takes an app type it does not know ("Bogus") for MultiTenant without a word, and
    a UserAssignedMSI without its tenant or app id ended on its traceback once the model had loaded."""
    (tmp_path / "corpus").mkdir()  # nothing to build: the old code ended at once on that, not after a build
    result = run_bot(["serve"], tmp_path / "kb", probe=True, PORT="0", CORPUS_DIR=str(tmp_path / "corpus"), **identity)

    assert result.returncode == 2
    assert result.stderr == f"Configuration error: {said}\nNO MODEL\n"


def test_the_app_types_botbuilder_knows_are_taken_in_any_case():
    from index.config import Settings, check_teams_identity

    for app_type in ("MultiTenant", "multitenant", " SINGLETENANT ", "userassignedmsi"):
        identity = {"MicrosoftAppId": "x", "MicrosoftAppPassword": "y", "MicrosoftAppTenantId": "t", "MicrosoftAppType": app_type}
        settings = Settings.from_env(identity)
        assert settings.app_type == app_type.strip()
        check_teams_identity(settings)  # raises nothing


def test_a_partial_teams_setup_stops_only_the_teams_server(corpus_kb_dir, tmp_path):
    """A review: the Teams checks had stopped ingest, the action table's export and every command with "Configuration
    error", where only the Teams server needs its secrets (a deployment may give them to the server alone)."""
    partial = {"MicrosoftAppType": "SingleTenant"}
    listed = run_bot(["--index", str(corpus_kb_dir), "sources"], corpus_kb_dir, **partial)
    assert listed.returncode == 0 and "Configuration error" not in listed.stderr, listed.stderr
    exported = subprocess.run(
        [sys.executable, "-m", "ingest", "actions", "--export", str(tmp_path / "a.csv"), "--index", str(corpus_kb_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO), **partial},
    )
    assert exported.returncode == 0 and (tmp_path / "a.csv").exists(), exported.stderr


def test_a_calendar_year_given_as_the_due_year_is_told_as_a_question_asking_it_is(corpus_kb_dir, service, capsys):
    """A new user's trial: `actions --due 2024` was refused as "not a financial year or month", where "what actions are
    due in 2024?" says which two financial years 2024 could be; with a theme, the rows due in either are listed."""
    # The year alone lists both years' rows, as the question does (it had been refused with the note alone).
    assert main(["--index", str(corpus_kb_dir), "actions", "--due", "2024", "--json"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert len(every) == 83 and {row["due_normalised"] for row in every} == {"2023/24", "2024/25"}
    assert main(["--index", str(corpus_kb_dir), "actions", "--due", "1999"]) == 0
    assert capsys.readouterr().out.startswith("The action table is by financial year, and 1999 could be 1998/99 or 1999/00: none")

    assert main(["--index", str(corpus_kb_dir), "actions", "--due", "2024", "--theme", "water"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("The action table is by financial year, and 2024 could be 2023/24 or 2024/25.")
    assert "1. Assist member organisations to develop Water Management Plans." in listed

    assert main(["--index", str(corpus_kb_dir), "actions", "--due", "2023", "--theme", "waste", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {row["due_normalised"] for row in rows} <= {"2022/23", "2023/24"}

    # A review: summed up by due year as the question's listing is, and a filter nothing matches says so.
    assert main(["--index", str(corpus_kb_dir), "actions", "--due", "2024", "--lead", "ICB"]) == 0
    asked = service.answer("which actions led by ICB are due in 2024?").text.split("\n")[0]
    assert capsys.readouterr().out.split("\n")[0] == asked and "Due: 2023/24 (" in asked


def test_a_calendar_year_given_with_words_no_action_holds_names_the_nearest_match_in_that_year(corpus_kb_dir, service, capsys):
    """A review: `actions --due 2024 --lead ICB --text zzzz` named the nearest match as ICB's actions of any year (122),
    rows due 22/23 among them, where the 64 due in 2024 are what the year asked for."""
    in_either = [row for row in service.kb.actions if led_by(row.lead or "", "ICB") and financial_year_of(row.due_normalised) in ("2023/24", "2024/25")]
    assert main(["--index", str(corpus_kb_dir), "actions", "--due", "2024", "--lead", "ICB", "--text", "zzzz"]) == 0
    said = capsys.readouterr().out
    assert "No actions match: led by ICB, due in 2024, mentioning “zzzz”." in said
    assert f"Nearest: without the words, {len(in_either)} actions match (led by ICB, due in 2024)." in said
    assert main(["--index", str(corpus_kb_dir), "actions", "--due", "2024", "--text", "zzzz"]) == 0
    assert "No actions match: due in 2024, mentioning “zzzz”." in capsys.readouterr().out



@pytest.mark.parametrize("words", [["--text", "zzzz"], ["--lead", "nobody"]])
def test_a_calendar_year_the_table_does_not_reach_says_the_years_it_does_once(corpus_kb_dir, capsys, words):
    # `actions --due 2031 --text zzzz` said the table's due years in the note on the calendar year, then again after
    # "No actions match".
    assert main(["--index", str(corpus_kb_dir), "actions", "--due", "2031", *words]) == 0
    said = capsys.readouterr().out
    assert "No actions match: " in said and said.count("due in the financial years 2022/23 to 2024/25") == 1, said


def test_escape_sequences_in_documents_file_names_and_a_typed_topic_reach_the_terminal_defused(tmp_path, capsys, monkeypatch):
    """An attack review: a document's "ESC[2J" (clears the screen) and "ESC]0;...BEL" (retitles the window) were printed
    raw by ask, in the answer and its sources; a title taken from a file name by sources; a file's name, its ESC and
    line break, by the ingest summary; and a topic typed in the chat by its "(Word version: ...)" line. Each reaches the
    terminal with its control characters shown as "?", the rest as it was."""
    from ingest.__main__ import main as ingest

    esc, bel = "\x1b", "\x07"
    corpus, kb = tmp_path / "corpus", tmp_path / "kb"
    corpus.mkdir()
    (corpus / f"water{esc}[2Jplan.txt").write_text(
        f"Water Actions\nThe water actions are led by the ICB{esc}[2J and are due in 2023/24.{esc}]0;owned{bel} "
        "Leaks are fixed within a week.\n"
    )
    (corpus / f"bad{esc}[31m\nname.pdf").write_bytes(b"%PDF-1.4 not really a pdf")

    def printed(code: int) -> str:
        out = capsys.readouterr().out
        assert code in (0, 1) and esc not in out and bel not in out, out
        return out

    assert "Skipped bad?[31m?name.pdf: not a readable PDF" in printed(ingest([str(corpus), "--index", str(kb)]))
    assert "- Water?[2Jplan (undated, 1 pages)" in printed(main(["--index", str(kb), "sources"]))
    answered = printed(main(["--index", str(kb), "ask", "--explain", "who leads the water actions?"]))
    assert "led by the ICB?[2J and are due in 2023/24" in answered and "Water?[2Jplan, p. 1" in answered
    typed = iter([f"brief water actions{esc}[31m", "quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    chatted = printed(main(["--index", str(kb), "chat"]))
    assert "(Word version: python -m bot brief 'water actions?[31m' --out " in chatted


def test_bidirectional_marks_and_overrides_are_shown_as_question_marks():
    """A review: the direction marks, which reorder the characters beside them on the screen, had reached the terminal
    through ``printable`` where the ingest summary's old check had shown them as "?"; a non-breaking space is text."""
    from index.terminal import printable

    assert printable("a\u200fb\u200ec\u061cd\u202ee\u2066f") == "a?b?c?d?e?f"
    assert printable("18\u00a0May") == "18\u00a0May"


def test_json_output_escapes_the_characters_a_terminal_acts_on_and_decodes_to_the_same_text(corpus_kb_dir, tmp_path, capsys):
    """A review: `ask --json` wrote a question's or a document's C1 controls raw (json.dumps escapes only the C0 ones),
    and U+009B opens an escape sequence as ESC [ does, U+0085 is a line break to some terminals. Each is written as its
    JSON escape, so the JSON reads back to the same strings; what a terminal only shows is written as it is."""
    from index.terminal import terminal_json

    csi, nel = "\x9b", "\x85"
    question = f"inhalers{csi}2J{nel}"
    assert main(["--index", str(corpus_kb_dir), "ask", "--json", question]) == 0
    printed = capsys.readouterr().out
    assert csi not in printed and nel not in printed and "brief inhalers\\u009b2J" in printed, printed
    answer = json.loads(printed)
    assert answer["kind"] == "answer" and answer["answer"].endswith(f"brief inhalers{csi}2J")  # the question, as typed
    batch = tmp_path / "questions.jsonl"
    batch.write_text(json.dumps({"id": f"q{nel}1{csi}2J", "question": question}) + "\n", encoding="utf-8")
    assert main(["--index", str(corpus_kb_dir), "ask", "--batch", str(batch)]) == 0
    printed = capsys.readouterr().out
    assert csi not in printed and nel not in printed and '"id": "q\\u00851\\u009b2J"' in printed, printed
    assert json.loads(printed) == {"id": f"q{nel}1{csi}2J", **answer}
    # Every character ``printable`` shows as "?", in keys and values alike; text a terminal only shows stays as it is.
    acted_on = "".join(map(chr, [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x61C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
    value = {f"key{csi}": [acted_on, "18\u00a0May, “£16.8m” – café ✓ \\" + csi]}
    written = terminal_json(value, indent=2)
    assert json.loads(written) == value and not set(written) & set(acted_on.replace("\t", "").replace("\n", ""))
    assert "“£16.8m” – café ✓" in written


def test_a_documents_c1_controls_are_escaped_in_the_json_of_ask_and_brief(tmp_path, capsys):
    """A review: a document's U+009B (CSI, as ESC [) was written raw by `ask --json` and `brief --json`. It is written as
    its JSON escape in both, and reads back as the document has it."""
    from ingest.__main__ import main as ingest

    corpus, kb = tmp_path / "corpus", tmp_path / "kb"
    corpus.mkdir()
    (corpus / "water.txt").write_text(
        "Water Actions\nThe water actions are led by the ICB\x9b2J and are due in 2023/24. Leaks are fixed within a week.\n"
    )
    assert ingest([str(corpus), "--index", str(kb)]) == 0
    capsys.readouterr()
    for command in (["ask", "--json", "who leads the water actions?"], ["brief", "--json", "water actions"]):
        assert main(["--index", str(kb), *command]) == 0
        printed = capsys.readouterr().out
        assert "\x9b" not in printed and "ICB\\u009b2J" in printed, printed
        assert "ICB\x9b2J" in json.dumps(json.loads(printed), ensure_ascii=False)
