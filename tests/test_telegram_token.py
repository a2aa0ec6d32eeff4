"""A token the Bot API rejects: ``python -m bot telegram`` run for real against a stand-in Bot API."""

from __future__ import annotations

import asyncio
import logging
import os
import sys

import pytest

from bot.telegram.runner import REDACTED, RedactToken
from tests.support.paths import REPO
from tests.support.telegram import TOKEN, FakeBotApi

REJECTED = "987654321:AAH-rejected-Secret_token-0123456789"


@pytest.fixture
async def api():
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()


async def run_telegram(token: str, base_url: str, kb_dir) -> tuple[int | None, str]:
    """``python -m bot telegram`` run to its end: its exit code and all it printed."""
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": base_url, "KB_DIR": str(kb_dir), "PYTHONPATH": str(REPO)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "telegram", cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 180)
    return process.returncode, (stdout + stderr).decode()


async def test_a_rejected_token_is_named_not_printed_and_exits_2(api, corpus_kb_dir):
    returncode, output = await run_telegram(REJECTED, api.base_url, corpus_kb_dir)

    assert api.rejected_tokens and set(api.rejected_tokens) == {REJECTED}  # the stand-in really refused it
    assert returncode == 2, output
    assert "the bot api rejected telegram_bot_token" in output.lower()
    assert "Traceback" not in output
    for part in (REJECTED, REJECTED.split(":")[1]):
        assert part not in output


async def test_a_bot_api_that_does_not_answer_is_one_line_not_a_traceback(corpus_kb_dir, unused_tcp_port):
    """An attack review: with TELEGRAM_API_BASE_URL pointing where nothing listens, the start ended in a traceback."""
    nowhere = f"http://127.0.0.1:{unused_tcp_port}/bot"
    returncode, output = await run_telegram(REJECTED, nowhere, corpus_kb_dir)

    assert returncode == 1, output
    assert f"Could not reach the Bot API at {nowhere}" in output and "Traceback" not in output
    for part in (REJECTED, REJECTED.split(":")[1]):
        assert part not in output


async def test_a_token_with_a_line_break_is_refused_before_it_is_used(corpus_kb_dir, api):
    """An attack review: a line break copied with the token ended the start with a traceback from the URL it made."""
    returncode, output = await run_telegram(REJECTED + "\n", api.base_url, corpus_kb_dir)

    assert returncode == 2, output
    assert "TELEGRAM_BOT_TOKEN has a space or a line break in it" in output and "Traceback" not in output
    assert not api.rejected_tokens  # never sent
    assert REJECTED.split(":")[1] not in output


async def test_a_base_url_with_the_token_in_it_is_refused_without_printing_the_token(tmp_path):
    """An attack review: TELEGRAM_API_BASE_URL set to a whole method URL, the token in it, was quoted in full in the
    error saying it must end in /bot, written before the token was redacted from the logs."""
    returncode, output = await run_telegram(REJECTED, f"https://api.telegram.org/bot{REJECTED}/", tmp_path / "kb")

    assert returncode == 2, output
    assert f"TELEGRAM_API_BASE_URL must end in /bot (got 'https://api.telegram.org/bot{REDACTED}/')" in output
    for part in (REJECTED, REJECTED.split(":")[1]):
        assert part not in output


async def test_a_call_the_bot_api_refuses_at_start_is_said_as_refused_not_as_unreachable(api, corpus_kb_dir):
    """A review: python-telegram-bot's BadRequest is a NetworkError, so a refusal (a webhook URL that is not https, say)
    had been told as "Could not reach the Bot API"."""
    api.fail_next("getMe", 400)
    returncode, output = await run_telegram(TOKEN, api.base_url, corpus_kb_dir)

    assert returncode == 2, output
    assert "The Bot API refused a call at start: Injected failure" in output
    assert "Could not reach" not in output and "Traceback" not in output


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
    # In any case: python-telegram-bot lowers an error message's letters after its first (a re-review).
    lowered = logger.makeRecord("tests.token", logging.ERROR, __file__, 1, "Unknown url /bot%s/getme", (REJECTED.lower(),), None)
    assert redact.filter(lowered)
    assert REJECTED.lower() not in handler.format(lowered) and REDACTED in handler.format(lowered)
