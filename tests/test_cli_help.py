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
