"""What the bot says, independent of the channel it says it in.

Teams and Telegram are thin adapters: they turn their messages into a call
here and render the ``Reply`` they get back in their own format. All the
thinking (commands, routing, answering) happens once, in this module and the
answering service below it. CPU-bound work runs in a worker thread so that
one slow question never stalls the event loop serving other people.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property, partial
from typing import TypeVar

from bot.action_query import ActionFilter, RowKey, briefed_rows
from bot.answering import MAX_QUESTION_CHARS, Answer, AnsweringService, too_long
from bot.briefing import DOCX_MEDIA_TYPE, Briefing, BriefingWriter, briefing_docx, docx_name, render_markdown
from bot.briefing.writer import Point
from bot.conversation_locks import ConversationLocks, locks_for
from bot.conversation_store import ConversationStore, MemoryStore
from bot.facts import message_as_read, without_courtesy
from bot.follow_answers import FollowUpAnswerer
from bot.followup import CitedPassage, FollowUpKind, Resolution, Turn, is_reset, remember, up_to_reply
from bot.lru import LRUCache
from index.text import collapse_whitespace

EXAMPLE_QUESTIONS = (
    "What was the ICS carbon footprint in 2020/21?",
    "Who leads the water actions and when are they due?",
    "What was A&E 4 hour performance in May 2022?",  # not "the 4Is of PHM": a trial found its answer never names them
)

HELP_TEXT = (
    "Ask me a question about the ICS documents in plain words and I will answer with numbered "
    "citations (document, page and the quoted sentence) so you can check them. If the documents "
    "do not say, I will tell you. Page numbers are the PDF's own, as a PDF viewer counts them (a number printed in "
    "a page's footer may differ).\n\n"
    "Follow-ups work as in a conversation: \"who leads it?\", \"and for GEH?\", \"where does it say that?\", "
    "\"tell me more about the second point\"; after a list of actions, \"more\" or \"show all\" shows the next "
    "ones and \"just the ICP ones\" or \"which of those are due 23/24?\" narrows it. I forget the conversation "
    "after a while without messages.\n\n"
    "Commands (Teams, Telegram and the terminal):\n"
    "help - this message\n"
    "sources - the documents I know and their dates\n"
    "brief <topic> - a cited briefing on a topic for comms, as text and a Word document\n"
    "start over (or reset) - forget the conversation so far\n"
    "Questions about actions (for example \"what's due in 23/24?\" or \"who leads the water actions?\") "
    "are answered from the action table.\n\n"
    "In Telegram the same commands start with / (/help, /sources, /brief, /reset), with /ask <question>, "
    "/due <year> and /owner <lead> besides. In the terminal chat, quit or exit (or Ctrl-D) ends the chat."
)
RESET_TEXT = "OK, let's start over: I have forgotten the conversation so far. What would you like to know?"
# A briefing's topic is held to a question's length: a topic of 600 KB had made a 600 KB message in Teams.
TOPIC_TOO_LONG = "That is too long for a briefing topic ({length:,} characters). Give a topic in under {limit:,} characters."

# Threads answering questions (CPU-bound: search, features, ranking) off the event loop. Set by hand:
# one per core, at least two so a slow question never queues every other one behind it.
ANSWER_WORKERS = max(2, os.cpu_count() or 2)
_Made = TypeVar("_Made")  # what work run off the event loop makes: a Reply, or an Attachment
# Conversations whose last reset this process remembers, so that a reply worked out before a reset does not save the
# turns the reset forgot (``Conversation._reset_since``). Set by hand: far more than are reset within one answer's time.
RESETS_REMEMBERED = 10_000
# A message longer than this, its white space collapsed, is told it is too long unread: reading drops what the limit
# does not count (courtesy, a polite frame), a few dozen characters of a question typed, never a thousand; and it takes
# time in proportion to the length on the channel's event loop, before any worker has it (an attack review: 20,000
# characters of "?.!,;" held every conversation for 28 s).
UNREAD_LENGTH = 2 * MAX_QUESTION_CHARS
_BRIEF_ME_ON = re.compile(r"^(?:me\s+)?(?:on|about)(?:\s+|$)", re.IGNORECASE)  # "brief me on X" means "brief X"


@dataclass(frozen=True)
class Attachment:
    """A file to send with a reply (a briefing as .docx, say).

    ``remake`` says how to make the same file again (``{ReplyKind.BRIEFING: topic}``, "briefing" in JSON), for
    channels that send it later: Teams asks the user's consent first.
    """

    name: str
    media_type: str
    data: bytes
    remake: dict[str, str] = field(default_factory=dict)


class ReplyKind(StrEnum):
    """What a reply is, so a channel can lay it out (a briefing's Markdown, an answer's sources).

    A ``StrEnum``: a kind still equals its word ("answer"), logs as it, and
    JSON writes it as it, so channels and tests that compare words keep working.
    """

    ANSWER = "answer"
    HELP = "help"
    SOURCES = "sources"
    WELCOME = "welcome"
    USAGE = "usage"
    BRIEFING = "briefing"
    RESET = "reset"


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind  # a word ("briefing") is read as its kind; any other word is an error
    text: str  # plain text; channels escape or format it
    answer: Answer | None = None
    suggestions: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    briefing: Briefing | None = None  # a briefing's parts, for channels that render it their own way (Teams, terminal)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ReplyKind(self.kind))


class PendingReply:
    """A reply worked out, and what keeping its turn in the conversation takes once the channel has sent it."""

    def __init__(self, reply: Reply, keep: Callable[[Sequence[str]], Awaitable[None]] | None = None) -> None:
        self.reply = reply
        self._keep = keep

    async def keep(self, reply_ids: Sequence[str] = ()) -> None:
        """Keep the turn (a reply that changes no turn keeps nothing); ``reply_ids`` are the channel's ids of the
        messages that carried it, for a reply to one of them to follow up on it."""
        if self._keep is not None:
            keep, self._keep = self._keep, None  # once
            await keep(reply_ids)


class Conversation:
    """Turns a user's message into a reply; shared by every channel.

    Messages that carry a conversation key are read with that conversation's
    recent turns (``bot.followup``), kept in ``store``; messages without one stand alone.
    A conversation's messages are answered one at a time under ``locks``: by default the lock that goes with the store
    (``locks_for``), shared through Redis by replicas that share a Redis store.
    """

    def __init__(self, service: AnsweringService, store: ConversationStore | None = None, locks: ConversationLocks | None = None) -> None:
        self.service = service
        self.store: ConversationStore = store if store is not None else MemoryStore()
        self.locks: ConversationLocks = locks if locks is not None else locks_for(self.store)
        self.followups = FollowUpAnswerer(service)
        self._resets: LRUCache[str, int] = LRUCache(RESETS_REMEMBERED)
        self._reset_count = itertools.count(1)
        # Answering is CPU work: a pool of its own, sized to the cores, keeps it off the event
        # loop without starving the threads the channel libraries use for their own I/O.
        self._workers = ThreadPoolExecutor(max_workers=ANSWER_WORKERS, thread_name_prefix="answer")

    def use(self, service: AnsweringService, writer: BriefingWriter) -> None:
        """Answer from another knowledge base from the next message on (a running server's new build).
        The writer first: a brief in between would use the new writer with the old service, never the reverse."""
        self.briefing_writer = writer  # replaces the cached_property's value
        self.followups = FollowUpAnswerer(service)
        self.service = service

    async def respond(self, text: str, conversation: str | None = None, replying_to: str | None = None) -> Reply:
        """The reply to one message, its turn kept at once (the terminal chat; a channel that sends the reply keeps
        the turn only once it is sent: ``work_out``)."""
        async with self.one_at_a_time(conversation):
            pending = await self.work_out(text, conversation, replying_to)
            await pending.keep()
        return pending.reply

    @asynccontextmanager
    async def one_at_a_time(self, conversation: str | None) -> AsyncIterator[None]:
        """Held by a channel from working out a reply (``work_out``) to keeping its turn: a second message of the
        conversation is read once the first's turn is kept. Two messages sent together ("what's due in 23/24?", then
        "more" at once) had both read the conversation before either reply was sent, and "more" found nothing to
        continue; and the later save had dropped the earlier turn (a review). Across replicas when they share a Redis
        store (``locks``): Teams sends a conversation's messages to any of them, and "more" at one had read the
        conversation while another still sent the listing's reply (issue 16)."""
        if conversation is None:
            yield
            return
        async with self.locks.held(conversation):
            yield

    async def work_out(self, text: str, conversation: str | None = None, replying_to: str | None = None) -> PendingReply:
        """The reply to one message, and the turn to keep once the reply is sent; the heavy lifting runs off the event loop.

        ``conversation`` keys the state (a Teams conversation id, a Telegram chat);
        ``replying_to`` is the bot message the user replied to, whose turn the message follows up.
        The turn is kept only once the reply was sent (``PendingReply.keep``): a send that failed had kept the turn
        all the same, and the channel's retry of the message was read after it ("more" in Teams skipped a page: a review).
        """
        if len(text) > MAX_QUESTION_CHARS and (refused := _too_long_reply(text)) is not None:
            # Said at once, not read first: a message of a megabyte took seconds of a worker to read, and six of them
            # held every other conversation's answer (an attack review).
            return PendingReply(refused)
        if conversation is None:
            return PendingReply(await self._off_loop(self.reply_to, text))
        if is_reset(text):
            await self.forget(conversation)
            return PendingReply(Reply(ReplyKind.RESET, RESET_TEXT))
        reset_before = self._resets.get(conversation)
        history = await self.store.load(conversation)
        if replying_to is not None:
            history = up_to_reply(history, replying_to)
        reply, remembered = await asyncio.get_running_loop().run_in_executor(
            self._workers, self.reply_in_context, text, history
        )
        if remembered is None:
            return PendingReply(reply)
        return PendingReply(reply, partial(self._keep, conversation, reset_before, remembered))

    async def _keep(self, conversation: str, reset_before: int | None, turns: tuple[Turn, ...], reply_ids: Sequence[str]) -> None:
        """Save ``turns``, the last noting the channel's ids of the messages that carried its answer (so a reply to one
        of them later follows up on that answer: Telegram); not if the conversation was reset meanwhile."""
        if self._reset_since(conversation, reset_before):
            return
        if turns and reply_ids:
            last = turns[-1]
            turns = (*turns[:-1], replace(last, reply_ids=(*last.reply_ids, *reply_ids)))
        await self.store.save(conversation, turns)

    def _reset_since(self, conversation: str, reset_before: int | None) -> bool:
        """Whether the conversation was reset while a reply was worked out: its turns, read before, are not saved
        again (an attack review: "start over" sent while a briefing was written was undone when the briefing saved the
        turns from before it). In this process only: a reset at another replica is not seen here."""
        return self._resets.get(conversation) != reset_before

    async def forget(self, conversation: str) -> None:
        self._resets.put(conversation, next(self._reset_count))
        await self.store.clear(conversation)

    def reply_in_context(self, text: str, history: tuple[Turn, ...]) -> tuple[Reply, tuple[Turn, ...] | None]:
        """The reply to a message read with ``history``, and the history to keep (None: unchanged)."""
        if len(text) > MAX_QUESTION_CHARS and (refused := _too_long_reply(text)) is not None:
            return refused, None  # no turn: "where does it say that?" after it asks of the answer before (a re-review)
        message = _message_of(text)
        if is_reset(message):
            return Reply(ReplyKind.RESET, RESET_TEXT), ()
        command = command_of(message)
        if command == "brief":
            reply = self.reply_to(message)
            if reply.briefing is None:
                return reply, None
            # Remembered as a turn about its topic: "tell me more about it" then asks about the topic, and "more"
            # does not continue an answer from before the briefing. Its "What happens next" is remembered as a listing
            # of its actions is: "which are still open?", "who owns no 4?" ask of them (a comms trial's had been
            # answered from the minutes and the PHM roadmap).
            briefing = reply.briefing
            passages = tuple(_point_passage(briefing, point) for point in briefing.points if point.citations)
            listed = _actions_briefed(briefing)
            turn = Turn(
                question=briefing.topic, citations=passages, subject=briefing.topic, points=True, action_filter=listed,
                rows_shown=len(briefing.next_actions) if listed else 0, briefed=listed is not None,
            )
            return reply, remember(history, turn)
        if command is not None and not (command == "sources" and _asks_the_answers_sources(message, history)):  # help, sources
            return self.reply_to(message), None
        contextual = self.followups.answer(message, history)
        return _answer_reply(contextual.answer), contextual.history

    async def file_again(self, remake: dict[str, str]) -> Attachment | None:
        """The file an earlier reply offered, made again from its ``remake``; None if it names none."""
        topic = remake.get(ReplyKind.BRIEFING) if isinstance(remake, dict) else None
        if not isinstance(topic, str) or not topic.strip() or len(topic) > MAX_QUESTION_CHARS:
            return None
        return await self._off_loop(self.briefing_file, topic)

    async def actions(self, due: str | None = None, lead: str | None = None, conversation: str | None = None) -> PendingReply:
        """The action table filtered by due year or lead (Telegram's /due and /owner); "more" pages through it."""
        reply = await self._off_loop(self.actions_reply, due, lead)
        if conversation is None or reply.answer is None or reply.answer.actions is None:
            return PendingReply(reply)
        reset_before = self._resets.get(conversation)
        action_filter, _ = self.service.filter_of_options(due, lead, None, None, self.service.today())
        resolution = Resolution(FollowUpKind.NARROW, f"/{'due' if due else 'owner'} {due or lead}", action_filter)
        turns = remember(await self.store.load(conversation), self.followups.turn_of(resolution, reply.answer))
        return PendingReply(reply, partial(self._keep, conversation, reset_before, turns))

    async def _off_loop(self, work: Callable[..., _Made], *args: str | None) -> _Made:
        """``work(*args)`` in a worker thread: a reply, or a file (``file_again``)."""
        return await asyncio.get_running_loop().run_in_executor(self._workers, work, *args)

    def actions_reply(self, due: str | None, lead: str | None) -> Reply:
        try:
            action_filter, calendar_year = self.service.filter_of_options(due, lead, None, None, self.service.today())
        except ValueError as exc:
            return Reply(ReplyKind.USAGE, f"Sorry, {exc}.")
        if calendar_year:  # "/due 2024": told as "what's due in 2024?" is
            return _answer_reply(self.service.actions_due_in_calendar_year(calendar_year, action_filter))
        return _answer_reply(self.service.answer_actions(action_filter))

    def reply_to(self, text: str) -> Reply:
        message = _message_of(text)
        command = command_of(message)
        if command == "help":
            return Reply(ReplyKind.HELP, HELP_TEXT, suggestions=EXAMPLE_QUESTIONS)
        if is_reset(message):
            return Reply(ReplyKind.RESET, RESET_TEXT)  # nothing to forget: this message had no conversation
        if command == "sources":
            return Reply(ReplyKind.SOURCES, self.sources_text())
        if command == "brief":
            return self.briefing(message.partition(" ")[2])
        return _answer_reply(self.service.answer(message))

    def briefing(self, topic: str) -> Reply:
        """A cited briefing as Markdown, with the same briefing attached as a Word document."""
        topic = _BRIEF_ME_ON.sub("", topic)
        if problem := topic_problem(topic):
            return Reply(ReplyKind.USAGE, problem)
        briefing = self.briefing_writer.write(topic)
        # A briefing with nothing in it ("the documents do not cover ...") is not worth a Word document.
        attachments = (_word_document(briefing, topic),) if briefing.points else ()
        return Reply(ReplyKind.BRIEFING, render_markdown(briefing), attachments=attachments, briefing=briefing)

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
        return Reply(ReplyKind.WELCOME, text, suggestions=EXAMPLE_QUESTIONS)

    def sources_text(self) -> str:
        lines = [f"- {d.record.title} ({d.record.date or 'undated'}, {d.record.page_count} pages)" for d in self.service.kb.documents]
        built = self.service.kb.manifest.built_at
        # What the answering models were fitted on is for developers: ``ask --explain`` and the start-up log say it.
        return "I know these documents:\n" + "\n".join(lines) + f"\n\nKnowledge base built {built}."

    def document_titles(self) -> list[str]:
        return [d.record.title for d in self.service.kb.documents]


def _message_of(text: str) -> str:
    """A message as it is read: white space collapsed, courtesy before it dropped ("thanks. brief net zero" is a
    command, "thanks, start over" a reset; ``bot.facts.without_courtesy``)."""
    return without_courtesy(collapse_whitespace(text))


# A message asking about the bot itself, nothing else: the help text answers "what can you do?", "who are you?", "how do
# I use this bot?"; the list of documents "what documents do you have?". Whole messages only: "what can you tell me about
# the green plan?" and "what do you know about net zero?" are questions, and "what is this?" or "how does it work?" may
# be follow-ups, as are "what can I do?" and "which reports are there?" (a review). A new user's trial had each declined as
# not found in the documents. English, set by hand; no eval question or dialogue turn is of this kind.
_ABOUT_THE_BOT = re.compile(
    r"(?:so\s+|and\s+)?(?:"
    r"(?:what|which)\s+(?:can|could|do)\s+you\s+(?:do|help(?:\s+(?:me|us))?\s+with)(?:\s+(?:here|for\s+(?:me|us)))?"
    r"|what\s+(?:can|could|should)\s+(?:i|we)\s+ask(?:\s+(?:you|here))?"
    r"|what\s+(?:sort|kind|type)s?\s+of\s+(?:things|questions)\s+can\s+(?:i|we)\s+ask(?:\s+you)?"
    r"|what\s+questions\s+can\s+(?:i|we)\s+ask(?:\s+you)?"
    r"|(?:who|what)\s+are\s+you"
    r"|how\s+(?:do|can|should)\s+(?:i|we)\s+use\s+(?:you|this|the\s+bot|this\s+bot|this\s+tool)"
    r"|how\s+do(?:es)?\s+(?:you|the\s+bot|this\s+bot)\s+work"
    r"|what\s+do\s+you\s+(?:know|cover|do)(?:\s+about)?"
    r"|what\s+is\s+this\s+(?:bot|tool)"
    r"|are\s+you\s+(?:a\s+)?(?:bot|robot|human|person|real|ai)"
    r")",
    re.IGNORECASE,
)
_ASKS_FOR_THE_DOCUMENTS = re.compile(
    r"(?:so\s+|and\s+)?(?:what|which)\s+(?:"
    r"(?:documents|docs|papers|files|sources|reports)\s+(?:do\s+you\s+(?:have|know(?:\s+about)?|use|cover|search)"
    r"|are\s+you\s+(?:using|based\s+on|trained\s+on)|can\s+you\s+(?:see|read|search)|(?:have|do)\s+you\s+got)"
    # "what documents are there?": of documents alone ("which reports are there?" may ask of a minute's reports).
    r"|(?:documents|docs|files)\s+(?:are\s+there|are\s+in\s+here|have\s+you\s+got))",
    re.IGNORECASE,
)


def _asks_the_answers_sources(message: str, history: tuple[Turn, ...]) -> bool:
    """Whether the command "sources" is asked of the last answer instead ("sources?" after an answer citing passages:
    where each comes from, as "where does it say that?" shows), not the documents' list (a trial's "sources?" after a
    briefing had listed all eleven). Asked, with a question mark; typed bare ("sources", "sources please", "/sources"), or
    with nothing cited before, it is the command. ("the sources?" and "and the sources?" are no command: the follow-up
    reading takes them.)"""
    last = history[-1] if history else None
    return last is not None and bool(last.citations) and not last.abstained and "?" in message


def command_of(message: str) -> str | None:
    """The command a message gives every channel ("brief", "help", "sources"), with or without Telegram's "/", or
    None when it is a question. "help" and "sources" are commands alone ("help?" too); "help with travel costs?" and
    "sources of emissions?" are questions (a review: ask had answered the first with the help text). An empty
    message asks for help; courtesy before a command leaves it one ("thanks. brief net zero"); a message asking about
    the bot itself asks for help or the documents' list (``_ABOUT_THE_BOT``, ``_ASKS_FOR_THE_DOCUMENTS``)."""
    read = _message_of(message)
    command, _, rest = read.partition(" ")
    command = command.lower().lstrip("/").rstrip("?!.")
    if command == "brief":
        return command
    if command in ("", "help", "sources") and set(re.findall(r"\w+", rest.lower())) <= {"me", "please", "pls"}:
        return command or "help"  # "help me", "help please" too (a re-review)
    bare = read.strip().rstrip("?!. ")
    if _ASKS_FOR_THE_DOCUMENTS.fullmatch(bare):
        return "sources"
    if _ABOUT_THE_BOT.fullmatch(bare):
        return "help"
    return None


def _word_document(briefing: Briefing, topic: str) -> Attachment:
    return Attachment(docx_name(briefing), DOCX_MEDIA_TYPE, briefing_docx(briefing), remake={ReplyKind.BRIEFING: topic})


def _actions_briefed(briefing: Briefing) -> ActionFilter | None:
    """The listing of a briefing's actions: every one it counts, those it showed first, in the order and so with the
    numbers it showed them; None when it counts none (or they cannot be kept: ``briefed_rows``)."""
    shown = briefing.next_actions
    keys = [RowKey(action.slug, action.page, action.number) for action in [*shown, *(a for a in briefing.actions if a not in shown)]]
    briefed = briefed_rows(keys)
    return ActionFilter(briefed=briefed) if briefed else None


def _point_passage(briefing: Briefing, point: Point) -> CitedPassage:
    """The passage a briefing's point quotes (its first citation), as a turn remembers what an answer cited."""
    citation = briefing.citations[point.citations[0] - 1]
    return CitedPassage(citation.slug, citation.page, citation.quote)


def _too_long_reply(text: str) -> Reply | None:
    """What a message too long for a question or a briefing's topic is told, as answering or briefing would tell it;
    None when, read, it is not too long."""
    if len(collapsed := " ".join(text.split())) > UNREAD_LENGTH:  # collapse_whitespace's spacing, with no pattern
        return _too_long_unread(collapsed)
    message = _message_of(text)
    if command_of(message[: MAX_QUESTION_CHARS + len("brief me on ")]) == "brief":
        problem = topic_problem(_BRIEF_ME_ON.sub("", message.partition(" ")[2]))
        return Reply(ReplyKind.USAGE, problem) if problem else None
    # Measured as answering measures it: "Can you tell me ..." is no part of the question (a re-review).
    question = message_as_read(message)
    return _answer_reply(too_long(len(question))) if len(question) > MAX_QUESTION_CHARS else None


def _too_long_unread(collapsed: str) -> Reply | None:
    """What a message over ``UNREAD_LENGTH`` is told, from its length and its first characters only: whether it briefs
    (its topic too long) or asks (a question too long)."""
    head = _message_of(collapsed[:MAX_QUESTION_CHARS])
    if command_of(head) == "brief":
        problem = topic_problem(_BRIEF_ME_ON.sub("", head.partition(" ")[2]) + collapsed[MAX_QUESTION_CHARS:])
        return Reply(ReplyKind.USAGE, problem) if problem else None
    return _answer_reply(too_long(len(collapsed)))


def topic_problem(topic: str) -> str | None:
    """Why ``topic`` cannot be briefed (none given, or too long), as the user is told; None when it can."""
    if not topic.strip():
        return "Type brief and a topic, for example: brief net zero targets and our carbon footprint"
    if len(topic) > MAX_QUESTION_CHARS:
        return TOPIC_TOO_LONG.format(length=len(topic), limit=MAX_QUESTION_CHARS)
    return None


def _answer_reply(answer: Answer) -> Reply:
    return Reply(ReplyKind.ANSWER, answer.text, answer=answer)
