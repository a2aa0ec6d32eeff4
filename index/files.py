"""Checks on a file a command is told to write, made before the work that fills it (a briefing, an export)."""

from __future__ import annotations

from pathlib import Path


def why_unwritable(path: Path) -> str:
    """Why ``path`` cannot be written as a file, when that is plain before trying ("" when it is not): it names a
    folder, or a folder that is not there. What the OS refuses only on writing (a read-only place) is told then."""
    if path.is_dir():
        return "it is a folder; give a file name"
    if not path.parent.is_dir():
        return f"the folder {path.parent} does not exist"
    return ""
