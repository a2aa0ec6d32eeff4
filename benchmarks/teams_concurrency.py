"""50 Teams conversations at once: reply times, and whether each got its own answer.

    python benchmarks/teams_concurrency.py [--index KB_DIR] [--conversations 50]

Runs the Teams endpoint and a stand-in Bot Connector (tests/support/teams.py)
on 127.0.0.1, then posts one question per conversation, all at the same time,
each a different question from eval/questions.jsonl. A reply time is
the POST's round trip: the bot posts its answer to the connector before the
POST returns. Each reply must arrive in its own conversation, in reply to its
own question, with the text Teams should show for that question.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.conversation import Conversation  # noqa: E402
from bot.runtime import load_service  # noqa: E402
from bot.teams.render import TEAMS_CHANNEL, reply_activity  # noqa: E402
from bot.teams.server import create_app  # noqa: E402
from index.config import Settings  # noqa: E402
from tests.support.teams import Connector, new_conversation_id, serving, teams_message  # noqa: E402

QUESTIONS = REPO / "eval" / "questions.jsonl"


async def ask(http: aiohttp.ClientSession, bot_url: str, activity: dict) -> float:
    started = time.perf_counter()
    async with http.post(f"{bot_url}/api/messages", json=activity) as response:
        response.raise_for_status()
    return time.perf_counter() - started


async def ask_all_at_once(conversation: Conversation, questions: list[str]) -> tuple[list[dict], list[float], float, Connector]:
    """Each question in its own conversation, all posted together: (activities, reply times, wall time, connector)."""
    connector = Connector()
    async with connector.running(), serving(create_app(Settings(feedback_file=Path("/dev/null")), conversation)) as bot_url:
        activities = [teams_message(q, connector.url, new_conversation_id()) for q in questions]
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            started = time.perf_counter()
            times = await asyncio.gather(*(ask(http, bot_url, a) for a in activities))
            wall = time.perf_counter() - started
    return activities, list(times), wall, connector


def got_own_answer(connector: Connector, activity: dict, expected: str) -> bool:
    """One message in the question's conversation, in reply to it, with the reply to that question."""
    replies = [p for p in connector.sent_to(activity["conversation"]["id"]) if p.activity["type"] == "message"]
    return len(replies) == 1 and replies[0].reply_to_id == activity["id"] and replies[0].activity["text"] == expected


def report(conversation: Conversation, questions: list[str]) -> None:
    activities, times, wall, connector = asyncio.run(ask_all_at_once(conversation, questions))
    # Afterwards, so the concurrent run is not helped by anything warmed up here.
    started = time.perf_counter()
    expected = [reply_activity(conversation.reply_to(q), TEAMS_CHANNEL).text for q in questions]
    one_by_one = (time.perf_counter() - started) / len(questions)
    own = sum(got_own_answer(connector, a, e) for a, e in zip(activities, expected))

    print(f"{len(questions)} concurrent conversations, {wall:.1f} s wall, {len(questions) / wall:.1f} answers/s")
    print(f"reply time p50 {statistics.median(times):.2f} s, p95 {statistics.quantiles(times, n=20)[18]:.2f} s, max {max(times):.2f} s")
    print(f"(the same questions one at a time, without HTTP: {one_by_one:.2f} s each)")
    print(f"each got its own answer: {'yes' if own == len(questions) else 'NO'} ({own}/{len(questions)})")


def main() -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=settings.kb_dir, help="knowledge base folder (default: %(default)s)")
    parser.add_argument("--conversations", type=int, default=50)
    args = parser.parse_args()
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    questions = list(dict.fromkeys(json.loads(line)["question"] for line in lines if line.strip()))[: args.conversations]
    conversation = Conversation(load_service(Settings(kb_dir=args.index)))
    report(conversation, questions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
