"""Every command's --help prints and exits cleanly (a "%" in a help text had crashed `python -m bot --help`)."""

from __future__ import annotations

import re

import pytest

from bot.__main__ import main


def _help_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_every_command_prints_its_help(capsys):
    top = _help_of([], capsys)
    commands = re.search(r"\{([a-z,-]+)\}", top)
    assert commands is not None, top
    names = commands.group(1).split(",")
    assert {"ask", "chat", "eval", "compare", "brief"} <= set(names)
    for name in names:
        assert f"usage: python -m bot {name}" in _help_of([name], capsys)


def _error_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask"], "ask needs a question or --batch FILE"),
        (["brief", ""], "Type brief and a topic, for example: brief net zero targets and our carbon footprint"),
        (["brief", "waste", "--out", "notes.txt"], "--out needs a file name ending in .md or .docx"),
    ],
    ids=["ask-without-a-question", "brief-without-a-topic", "brief-out-not-md-or-docx"],
)
def test_a_commands_error_shows_that_commands_usage(argv, message, capsys):
    """A new user's trial: these printed the list of every command ("usage: python -m bot [-h] [--index INDEX] {ask,...}")."""
    said = _error_of(argv, capsys)

    assert said.startswith(f"usage: python -m bot {argv[0]} ")
    assert said.endswith(f"python -m bot {argv[0]}: error: {message}\n")


def test_an_error_found_in_the_knowledge_base_shows_the_commands_usage(corpus_kb_dir, capsys):
    for argv, message in [
        (["actions", "--due", "nonsense"], "not a financial year or month: 'nonsense'"),
        (["ask", "--doc", "nosuch", "who chairs the board?"], "no document 'nosuch'; the documents are: "),
    ]:
        said = _error_of(["--index", str(corpus_kb_dir), *argv], capsys)

        assert said.startswith(f"usage: python -m bot {argv[0]} ")
        assert f"python -m bot {argv[0]}: error: {message}" in said
