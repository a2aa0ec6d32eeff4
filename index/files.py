"""Checks on a file or folder a command is told to write, made before the work that fills it (a briefing, an export,
a knowledge base)."""

from __future__ import annotations

import os
from pathlib import Path


def reason_of(error: OSError | UnicodeDecodeError) -> str:
    """Why a file could not be read or written, as a one-line message says it: "it is not UTF-8 text", or the OS's words
    ("Permission denied"), or the error's name when it gives none."""
    if isinstance(error, UnicodeDecodeError):
        return "it is not UTF-8 text"
    return error.strerror or type(error).__name__


def why_unwritable(path: Path) -> str:
    """Why ``path`` cannot be written as a file, when that is plain before trying ("" when it is not): it names a
    folder, or a folder that is not there. What the OS refuses only on writing (a read-only place) is told then."""
    if path.is_dir():
        return "it is a folder; give a file name"
    if not path.parent.is_dir():
        return f"the folder {path.parent} does not exist"
    return ""


def why_not_a_folder(path: Path) -> str:
    """Why ``path`` cannot be used as a folder, when that is plain before trying ("" when it is not): it, or a folder it
    would be made in, is a file. An attack review: ``--index`` naming a file had a first start build the knowledge base
    for minutes, then end on mkdir's traceback."""
    for place in (path, *path.parents):
        try:
            if place.is_symlink() and not place.exists():
                # A link to nothing, or to itself in a loop: mkdir fails on it only after the build (a review).
                return f"{place} is a link to {os.readlink(place)}, which leads to no folder"
            if place.exists():
                return "" if place.is_dir() else f"{place} is a file, not a folder"
        except OSError as error:  # a loop of links reads as "Too many levels of symbolic links"
            return f"{place} cannot be read ({error.strerror or error})"
    return ""
