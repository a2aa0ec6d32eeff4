"""Where ``Settings`` was found before it moved to ``index.config`` (so ``python -m ingest`` need not import the bot).

Kept for code on other branches that still imports it from here; new code imports ``index.config``.
"""

from index.config import ConfigurationError, Settings

__all__ = ["ConfigurationError", "Settings"]
