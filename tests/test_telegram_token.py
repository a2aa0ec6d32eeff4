"""A token the Bot API rejects: ``python -m bot telegram`` run for real against a stand-in Bot API."""

from __future__ import annotations

import asyncio
import logging
import os
import sys

import pytest

from bot.telegram.runner import REDACTED, RedactToken
from tests.support.paths import REPO
from tests.support.telegram import FakeBotApi

REJECTED = "987654321:AAH-rejected-Secret_token-0123456789"


@pytest.fixture
async def api():
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()


async def test_a_rejected_token_is_named_not_printed_and_exits_2(api, corpus_kb_dir):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": REJECTED,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "KB_DIR": str(corpus_kb_dir),
        "PYTHONPATH": str(REPO),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "telegram", cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 180)
    output = (stdout + stderr).decode()

    assert api.rejected_tokens and set(api.rejected_tokens) == {REJECTED}  # the stand-in really refused it
    assert process.returncode == 2, output
    assert "the bot api rejected telegram_bot_token" in output.lower()
    assert "Traceback" not in output
    for part in (REJECTED, REJECTED.split(":")[1]):
        assert part not in output


def test_log_records_never_carry_the_token(caplog):
    handler = logging.StreamHandler()
    redact = RedactToken(REJECTED)
    logger = logging.getLogger("tests.token")
    try:
        raise RuntimeError(f"call to /bot{REJECTED}/getMe failed")
    except RuntimeError:
        record = logger.makeRecord("tests.token", logging.ERROR, __file__, 1, "url %s", (f"/bot{REJECTED}/getMe",), sys.exc_info())
    assert redact.filter(record)
    text = handler.format(record)
    assert REJECTED not in text and REDACTED in text
