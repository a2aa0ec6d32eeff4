"""What the bot says, independent of the channel it says it in.

Teams and Telegram are thin adapters: they turn their messages into a call
here and render the ``Reply`` they get back in their own format. All the
thinking (commands, routing, answering) happens once, in this module and the
answering service below it. CPU-bound work runs in a worker thread so that
one slow question never stalls the event loop serving other people.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

from bot.answering import Answer, AnsweringService
from bot.briefing import DOCX_MEDIA_TYPE, Briefing, BriefingWriter, briefing_docx, docx_name, render_markdown

EXAMPLE_QUESTIONS = (
    "What was the ICS carbon footprint in 2020/21?",
    "Who leads the water actions and when are they due?",
    "What are the 4Is of population health management?",
)

HELP_TEXT = (
    "Ask me a question about the ICS documents in plain words and I will answer with numbered "
    "citations (document, page and the quoted sentence) so you can check them. If the documents "
    "do not say, I will tell you.\n\n"
    "Commands:\n"
    "help - this message\n"
    "sources - the documents I know and their dates\n"
    "brief <topic> - a cited briefing on a topic for comms, as text and a Word document\n"
    "Questions about actions (for example \"what's due in 23/24?\" or \"who leads the water actions?\") "
    "are answered from the action table."
)

ANSWER_WORKERS = max(2, os.cpu_count() or 2)
_BRIEF_ME_ON = re.compile(r"^(?:me\s+)?(?:on|about)\s+", re.IGNORECASE)  # "brief me on X" means "brief X"


@dataclass(frozen=True)
class Attachment:
    """A file to send with a reply (a briefing as .docx, say).

    ``remake`` says how to make the same file again (``{"briefing": topic}``), for
    channels that send it later: Teams asks the user's consent first.
    """

    name: str
    media_type: str
    data: bytes
    remake: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    kind: str  # "answer", "help", "sources", "welcome", "usage", "briefing"
    text: str  # plain text; channels escape or format it
    answer: Answer | None = None
    suggestions: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    briefing: Briefing | None = None  # a briefing's parts, for channels that render it their own way (Teams, terminal)


class Conversation:
    """Turns a user's message into a reply; shared by every channel."""

    def __init__(self, service: AnsweringService) -> None:
        self.service = service
        # Answering is CPU work: a pool of its own, sized to the cores, keeps it off the event
        # loop without starving the threads the channel libraries use for their own I/O.
        self._workers = ThreadPoolExecutor(max_workers=ANSWER_WORKERS, thread_name_prefix="answer")

    async def respond(self, text: str) -> Reply:
        """The reply to one message; the heavy lifting runs off the event loop."""
        return await self._off_loop(self.reply_to, text)

    async def file_again(self, remake: dict[str, str]) -> Attachment | None:
        """The file an earlier reply offered, made again from its ``remake``; None if it names none."""
        topic = remake.get("briefing") if isinstance(remake, dict) else None
        if not isinstance(topic, str) or not topic.strip():
            return None
        return await self._off_loop(self.briefing_file, topic)

    async def actions(self, due: str | None = None, lead: str | None = None) -> Reply:
        """The action table filtered by due year or lead (Telegram's /due and /owner)."""
        return await self._off_loop(self.actions_reply, due, lead)

    async def _off_loop(self, work: Callable[..., Reply], *args: str | None) -> Reply:
        return await asyncio.get_running_loop().run_in_executor(self._workers, work, *args)

    def actions_reply(self, due: str | None, lead: str | None) -> Reply:
        try:
            action_filter = self.service.actions.filter_from_options(due, lead, None, None, self.service.today())
        except ValueError as exc:
            return Reply("usage", f"Sorry, {exc}.")
        return _answer_reply(self.service.answer_actions(action_filter))

    def reply_to(self, text: str) -> Reply:
        message = re.sub(r"\s+", " ", text).strip()
        command, _, rest = message.partition(" ")
        command = command.lower().lstrip("/")
        if not message or command == "help":
            return Reply("help", HELP_TEXT, suggestions=EXAMPLE_QUESTIONS)
        if command == "sources" and not rest:
            return Reply("sources", self.sources_text())
        if command == "brief":
            return self.briefing(rest)
        return _answer_reply(self.service.answer(message))

    def briefing(self, topic: str) -> Reply:
        """A cited briefing as Markdown, with the same briefing attached as a Word document."""
        topic = _BRIEF_ME_ON.sub("", topic)
        if not topic:
            return Reply("usage", "Type brief and a topic, for example: brief net zero targets and our carbon footprint")
        briefing = self.briefing_writer.write(topic)
        return Reply("briefing", render_markdown(briefing), attachments=(_word_document(briefing, topic),), briefing=briefing)

    def briefing_file(self, topic: str) -> Attachment:
        """A briefing as a Word document only."""
        return _word_document(self.briefing_writer.write(topic), topic)

    @cached_property
    def briefing_writer(self) -> BriefingWriter:
        """The writer for this conversation's knowledge base, made on the first brief."""
        return BriefingWriter(self.service)

    def warm_up(self) -> None:
        """Do the briefing writer's one-off work now (at start-up), not in the first brief."""
        self.briefing_writer.warm_up()

    def welcome(self) -> Reply:
        titles = "\n".join(f"- {title}" for title in self.document_titles())
        text = (
            "Hello! I answer questions about these documents, citing the page and sentence for every point:\n"
            f"{titles}\n\nTry one of the questions below, or type help."
        )
        return Reply("welcome", text, suggestions=EXAMPLE_QUESTIONS)

    def sources_text(self) -> str:
        lines = [f"- {d.record.title} ({d.record.date or 'undated'}, {d.record.page_count} pages)" for d in self.service.kb.documents]
        built = self.service.kb.manifest.built_at
        return "I know these documents:\n" + "\n".join(lines) + f"\n\nKnowledge base built {built}."

    def document_titles(self) -> list[str]:
        return [d.record.title for d in self.service.kb.documents]


def _word_document(briefing: Briefing, topic: str) -> Attachment:
    return Attachment(docx_name(briefing), DOCX_MEDIA_TYPE, briefing_docx(briefing), remake={"briefing": topic})


def _answer_reply(answer: Answer) -> Reply:
    return Reply("answer", answer.text, answer=answer)
