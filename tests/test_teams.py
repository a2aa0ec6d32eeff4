"""The Teams endpoint end to end, over real HTTP on 127.0.0.1.

Activities are posted as Teams (or the Emulator) posts them; the bot answers
from the real corpus index and posts its replies to a connector service of
our own (``tests.support.teams.Connector``), where the tests read what a user would
see. No app id is configured, so botbuilder runs in Emulator mode except in
the test that checks authentication.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import aiohttp
import docx
import pytest
from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity
from PIL import Image

from bot.action_query import ActionListing
from bot.answering import MAX_QUESTION_CHARS, Answer, Citation
from bot.config import Settings
from bot.conversation import EXAMPLE_QUESTIONS, HELP_TEXT, TOPIC_TOO_LONG, Attachment, Reply
from bot.teams.bot import FILE_DECLINED, NOT_ALLOWED, UPLOAD_FAILED, KnowledgeBot
from bot.teams.feedback import FeedbackLog
from bot.teams.files import BadConsent, parse_consent
from bot.teams.package import main as package_main
from bot.teams.render import CARD_ROWS, CITATION_ABSTRACT_LIMIT, CITATION_NAME_LIMIT, citation_claim, reply_activity
from bot.teams.server import create_app
from index.records import ActionRow
from tests.support.teams import (
    BOT,
    USER,
    Connector,
    channel_message,
    feedback_invoke,
    file_consent_invoke,
    members_added,
    new_conversation_id,
    serving,
    teams_message,
)

APP_PACKAGE = Path(__file__).resolve().parents[1] / "appPackage"
GREEN_PLAN = "Coventry and Warwickshire ICS Green Plan 2022-2025"
CARBON_QUESTION = "ICS carbon footprint 20/21?"
WATER_QUESTION = "Who leads the water actions and when are they due?"
DUE_QUESTION = "What's due in 23/24?"


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    return Settings(feedback_file=tmp_path_factory.mktemp("teams") / "feedback.jsonl")


@pytest.fixture(scope="module")
async def connector():
    async with Connector().running() as running:
        yield running


@pytest.fixture(scope="module")
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture(scope="module")
async def bot_url(settings, conversation):
    async with serving(create_app(settings, conversation)) as url:
        yield url


async def post(http: aiohttp.ClientSession, bot_url: str, activity: dict, **headers: str) -> tuple[int, str]:
    async with http.post(f"{bot_url}/api/messages", json=activity, headers=headers) as response:
        return response.status, await response.text()


def ai_entity(message: dict) -> dict:
    (entity,) = [e for e in message.get("entities") or [] if e["type"] == "https://schema.org/Message"]
    return entity


async def test_answer_in_a_personal_chat_is_cited_and_marked_ai_generated(http, bot_url, connector, service):
    conversation_id = new_conversation_id()
    question = teams_message(CARBON_QUESTION, connector.url, conversation_id)

    status, _ = await post(http, bot_url, question)

    assert status == 201
    sent = connector.sent_to(conversation_id)
    assert [p.activity["type"] for p in sent] == ["typing", "message"]
    assert all(p.reply_to_id == question["id"] for p in sent)
    reply = sent[1].activity
    # The answer as the user reads it: Teams gets its line breaks doubled and Markdown marks escaped.
    assert " ".join(reply["text"].replace("\\", "").split()) == " ".join(service.answer(CARBON_QUESTION).text.split())
    assert "258,211" in reply["text"]
    entity = ai_entity(reply)
    assert entity["@type"] == "Message" and entity["@context"] == "https://schema.org" and entity["@id"] == ""
    assert entity["additionalType"] == ["AIGeneratedContent"]
    markers = sorted({int(n) for n in re.findall(r"\[(\d+)\]", reply["text"])})
    assert [claim["position"] for claim in entity["citation"]] == markers
    appearances = [claim["appearance"] for claim in entity["citation"]]
    assert all(a["@type"] == "DigitalDocument" for a in appearances)
    assert any(a["name"] == f"{GREEN_PLAN}, p. 31" and "258,211" in a["abstract"] for a in appearances)
    assert reply["channelData"] == {"feedbackLoopEnabled": True}
    assert "Sources:" not in reply["text"]  # Teams shows the citation entities instead


async def test_channels_without_citation_support_get_the_sources_as_text(http, bot_url, connector):
    conversation_id = new_conversation_id()
    question = {**teams_message(CARBON_QUESTION, connector.url, conversation_id, tenant=None), "channelId": "emulator"}

    await post(http, bot_url, question)

    (reply,) = connector.messages_to(conversation_id)
    sources = reply["text"].split("Sources:")[1]
    assert re.search(rf'\[\d\] {re.escape(GREEN_PLAN)}, p\. 31: ".*258,211.*"', sources)


async def test_each_member_of_a_list_is_on_a_line_of_its_own_in_teams(http, bot_url, connector):
    conversation_id = new_conversation_id()
    question = teams_message("Who were the practice members of the governing body?", connector.url, conversation_id)

    await post(http, bot_url, question)

    (reply,) = connector.messages_to(conversation_id)
    # Teams ignores a single "\n"; "\n\n" is its line break.
    assert "(Rugby Place)\n\nDr Sukhi Dhesi" in reply["text"]
    assert all("\n" not in claim["appearance"]["abstract"] for claim in ai_entity(reply)["citation"])  # quotes as on the page


async def test_an_action_listing_reaches_the_emulator_as_written(http, bot_url, connector, service):
    conversation_id = new_conversation_id()
    question = {**teams_message("what's due in 23/24?", connector.url, conversation_id, tenant=None), "channelId": "emulator"}

    await post(http, bot_url, question)

    (reply,) = connector.messages_to(conversation_id)
    # One row a line, numbered as in the plan; Teams' line breaks are for Teams only.
    assert reply["text"].startswith(service.answer("what's due in 23/24?").text)


def test_citation_fields_fit_teams_limits():
    long = Citation(2, "plan", "A very long strategy title " * 5, 104, "A quoted sentence that runs on and on. " * 8)

    appearance = citation_claim(long)["appearance"]

    assert len(appearance["name"]) <= CITATION_NAME_LIMIT and appearance["name"].endswith(", p. 104")
    assert len(appearance["abstract"]) <= CITATION_ABSTRACT_LIMIT and appearance["abstract"].endswith("…")


def card_tables(message: dict) -> list[list[str]]:
    """The text of every table row in a message's Adaptive Card, header rows included."""
    (card,) = message["attachments"]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    tables = [item for item in card["content"]["body"] if item["type"] == "Table"]
    return [[cell["items"][0]["text"] for cell in row["cells"]] for table in tables for row in table["rows"]]


async def test_an_action_question_gets_a_table_card_under_a_cited_lead_in(http, bot_url, connector, service):
    conversation_id = new_conversation_id()

    await post(http, bot_url, teams_message(WATER_QUESTION, connector.url, conversation_id))

    (reply,) = connector.messages_to(conversation_id)
    listing = service.answer(WATER_QUESTION).actions
    assert reply["text"].startswith(listing.summary) and f"{GREEN_PLAN}, p. 66 [1]" in reply["text"]
    markers = sorted({int(n) for n in re.findall(r"\[(\d+)\]", reply["text"])})
    assert [claim["position"] for claim in ai_entity(reply)["citation"]] == markers
    rows = [row for group in listing.groups.values() for row in group]
    assert card_tables(reply) == [
        ["No.", "Action", "Lead", "Due", "Page"],
        *[[row.number, row.action, row.lead, row.due, str(row.page)] for row in rows],
    ]


async def test_open_actions_come_with_a_status_column(http, bot_url, connector, service):
    conversation_id = new_conversation_id()

    await post(http, bot_url, teams_message("which qsrm actions are in progress?", connector.url, conversation_id))

    (reply,) = connector.messages_to(conversation_id)
    rows = [row for group in service.answer("which qsrm actions are in progress?").actions.groups.values() for row in group]
    assert rows and all(row.status for row in rows)
    tables = card_tables(reply)
    assert tables[0] == ["No.", "Action", "Lead", "Due", "Status", "Page"]
    assert [row for row in tables if row[0] != "No."] == [[row.number, row.action, row.lead, row.due, row.status, str(row.page)] for row in rows]


async def test_a_long_action_list_shows_a_screenful_and_counts_the_rest(http, bot_url, connector, service):
    conversation_id = new_conversation_id()

    await post(http, bot_url, teams_message(DUE_QUESTION, connector.url, conversation_id))

    (reply,) = connector.messages_to(conversation_id)
    total = sum(len(group) for group in service.answer(DUE_QUESTION).actions.groups.values())
    shown = [row for row in card_tables(reply) if row[0] != "No."]
    assert len(shown) == CARD_ROWS < total
    assert f"…and {total - CARD_ROWS} more" in reply["attachments"][0]["content"]["body"][-1]["text"]


def test_an_action_card_marks_what_a_lead_corrected_shows_their_progress_and_escapes_what_they_typed():
    # A lead's import (``ingest actions --import``) changes a row's lead and status and adds progress; the text listing
    # said so, the card did not, so "Jane Doe" stood beside a citation quoting the document's lead as if the document
    # said it. And the card's TextBlocks render Markdown, so what a lead typed must not become a link or bold.
    corrected = ActionRow(
        "letter", 3, "ICS Transition", None, "1", "Announce the **new** chair.", "Immediate", None,
        "Jane Doe", None, "Closed", "Shared on [1 June](http://evil.example)", corrected=("lead", "status"),
    )
    as_printed = replace(corrected, number="2", action="Appoint a SRO.", lead="Phil Johns", progress=None, corrected=())
    listing = ActionListing("2 actions are in ICS Transition.", {"ICS Transition": [corrected, as_printed]})
    answer = Answer("2 actions are in ICS Transition. [1]", [Citation(1, "letter", "The letter", 3, "Phil Johns to announce.")], False, actions=listing)

    message = reply_activity(Reply("answer", answer.text, answer=answer), "msteams").serialize()

    assert card_tables(message) == [
        ["No.", "Action", "Lead", "Due", "Status", "Page"],
        ["1", "Announce the \\*\\*new\\*\\* chair.", "Jane Doe (updated)", "Immediate", "Closed (updated)", "3"],
        ["2", "Appoint a SRO.", "Phil Johns", "Immediate", "Closed", "3"],
    ]
    (table,) = [item for item in message["attachments"][0]["content"]["body"] if item["type"] == "Table"]
    progress = [[block["text"] for block in row["cells"][1]["items"][1:]] for row in table["rows"][1:]]
    assert progress == [["Progress: Shared on \\[1 June\\](http://evil.example)"], []]  # no link
    notes = [item["text"] for item in message["attachments"][0]["content"]["body"] if item["type"] == "TextBlock"]
    assert "(updated): changed or given by a lead since the document; its citation quotes the document as written." in notes


def test_files_are_inline_where_the_channel_takes_them_and_offered_by_consent_card_in_teams():
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = Attachment("water.docx", docx, b"PK\x03\x04 a docx", remake={"briefing": "water"})
    reply = Reply("briefing", "Your briefing on water.", attachments=(document,))

    (inline,) = reply_activity(reply, "emulator").serialize()["attachments"]
    (card,) = reply_activity(reply, "msteams").serialize()["attachments"]
    in_a_channel = reply_activity(reply, "msteams", group=True).serialize()

    assert inline["name"] == "water.docx" and inline["contentType"] == docx
    header, data = inline["contentUrl"].split(",", 1)
    assert header == f"data:{docx};base64" and base64.b64decode(data) == b"PK\x03\x04 a docx"
    assert card["contentType"] == "application/vnd.microsoft.teams.card.file.consent" and card["name"] == "water.docx"
    assert card["content"]["sizeInBytes"] == len(b"PK\x03\x04 a docx")
    assert card["content"]["acceptContext"] == card["content"]["declineContext"] == {"briefing": "water"}
    assert in_a_channel["attachments"] == []  # Teams sends bots' files in personal chats only
    assert in_a_channel["text"].startswith("Your briefing on water.") and "message me directly" in in_a_channel["text"]
    no_remake = Reply("briefing", "Your briefing.", attachments=(Attachment("w.docx", docx, b"PK"),))
    in_person = reply_activity(no_remake, "msteams").serialize()
    assert in_person["attachments"] == [] and "message me directly" not in in_person["text"]
    assert "not attached" in in_person["text"]


async def test_a_briefing_asked_for_in_a_channel_says_to_message_the_bot_for_the_file(http, bot_url, connector):
    conversation_id = new_conversation_id("19:")
    await post(http, bot_url, channel_message("brief water", connector.url, conversation_id, mention_bot=True))

    (reply,) = connector.messages_to(conversation_id)
    assert not reply.get("attachments")
    assert "Water" in reply["text"] and "message me directly for the Word version" in reply["text"]


async def offered_briefing(http, bot_url, connector, topic: str) -> tuple[str, dict]:
    """Ask for a briefing in a personal chat; return the conversation and the consent card offered."""
    conversation_id = new_conversation_id()
    await post(http, bot_url, teams_message(f"brief {topic}", connector.url, conversation_id))
    (reply,) = connector.messages_to(conversation_id)
    (card,) = reply["attachments"]
    assert card["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
    return conversation_id, card


async def test_an_accepted_briefing_file_is_uploaded_and_shown_in_the_chat(http, bot_url, connector):
    conversation_id, card = await offered_briefing(http, bot_url, connector, "water")
    assert card["name"].endswith(".docx") and card["content"]["acceptContext"] == {"briefing": "water"}

    upload_url = f"{connector.url}/upload/briefing.docx"
    accept = file_consent_invoke(connector.url, conversation_id, "accept", card["content"]["acceptContext"], upload_url)
    status, _ = await post(http, bot_url, accept)

    assert status == 200
    uploaded = connector.uploads[-1]
    size = card["content"]["sizeInBytes"]
    assert len(uploaded.data) == size and uploaded.content_range == f"bytes 0-{size - 1}/{size}"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(uploaded.data)).paragraphs)
    assert "water" in text.lower() and "Sources" in text
    shown = connector.messages_to(conversation_id)[-1]
    (info,) = shown["attachments"]
    assert info["contentType"] == "application/vnd.microsoft.teams.card.file.info"
    assert info["contentUrl"] == accept["value"]["uploadInfo"]["contentUrl"] and info["name"] == "briefing.docx"
    assert info["content"] == {"uniqueId": accept["value"]["uploadInfo"]["uniqueId"], "fileType": "docx"}


async def test_a_declined_file_is_not_uploaded(http, bot_url, connector):
    conversation_id, card = await offered_briefing(http, bot_url, connector, "inhalers")
    uploads = len(connector.uploads)

    status, _ = await post(http, bot_url, file_consent_invoke(connector.url, conversation_id, "decline", card["content"]["declineContext"]))

    assert status == 200 and len(connector.uploads) == uploads
    assert connector.messages_to(conversation_id)[-1]["text"] == FILE_DECLINED


async def test_a_failed_upload_is_explained(http, bot_url, connector):
    conversation_id, card = await offered_briefing(http, bot_url, connector, "travel")
    connector.refuse_uploads = True
    try:
        accept = file_consent_invoke(connector.url, conversation_id, "accept", card["content"]["acceptContext"], f"{connector.url}/upload/b.docx")
        status, _ = await post(http, bot_url, accept)
    finally:
        connector.refuse_uploads = False

    assert status == 200  # the user's answer was received; the message says what went wrong
    assert connector.messages_to(conversation_id)[-1]["text"] == UPLOAD_FAILED


async def test_a_consent_answer_without_upload_details_gets_400(http, bot_url, connector):
    conversation_id = new_conversation_id()
    status, _ = await post(http, bot_url, file_consent_invoke(connector.url, conversation_id, "accept", {"briefing": "water"}))
    assert status == 400
    status, _ = await post(http, bot_url, file_consent_invoke(connector.url, conversation_id, "accept", {"nothing": "here"}, f"{connector.url}/upload/x.docx"))
    assert status == 400
    assert connector.messages_to(conversation_id) == []


async def test_an_upload_url_that_redirects_is_not_followed(http, bot_url, connector):
    conversation_id, card = await offered_briefing(http, bot_url, connector, "waste")
    uploads = len(connector.uploads)

    accept = file_consent_invoke(connector.url, conversation_id, "accept", card["content"]["acceptContext"], f"{connector.url}/moved/b.docx")
    status, _ = await post(http, bot_url, accept)

    assert status == 200 and len(connector.uploads) == uploads
    assert connector.messages_to(conversation_id)[-1]["text"] == UPLOAD_FAILED


@pytest.mark.parametrize(
    "upload_url, accepted",
    [
        ("https://contoso-my.sharepoint.com/personal/alex/_api/v2.0/drive/upload?tempauth=x", True),
        ("http://contoso-my.sharepoint.com/upload", False),
        ("https://169.254.169.254/latest", False),
        ("https://sharepoint.com.evil.example/upload", False),
    ],
)
def test_a_signed_bot_takes_only_onedrive_https_upload_urls(upload_url, accepted):
    value = file_consent_invoke("https://smba.trafficmanager.net/uk/", "a:1", "accept", {"briefing": "water"}, upload_url)["value"]
    if accepted:
        assert parse_consent(value, signed=True).upload.upload_url == upload_url
    else:
        with pytest.raises(BadConsent):
            parse_consent(value, signed=True)


async def test_a_bot_with_an_app_id_refuses_an_upload_url_outside_onedrive(settings, conversation, connector):
    signed = replace(settings, app_id="00000000-0000-0000-0000-00000000a11d")
    bot = KnowledgeBot(conversation, signed, FeedbackLog(settings.feedback_file, keeps_text=False))
    invoke = file_consent_invoke(connector.url, "a:1", "accept", {"briefing": "water"}, f"{connector.url}/upload/x.docx")
    uploads = len(connector.uploads)

    response = await bot.on_file_consent(TurnContext(TestAdapter(), Activity().deserialize(invoke)))

    assert response.status == 400 and len(connector.uploads) == uploads


async def test_installing_the_bot_welcomes_with_the_documents_and_three_questions(http, bot_url, connector, conversation):
    conversation_id = new_conversation_id()

    status, _ = await post(http, bot_url, members_added(connector.url, conversation_id, [BOT]))

    assert status == 201
    (welcome,) = connector.messages_to(conversation_id)
    assert all(title in welcome["text"] for title in conversation.document_titles())
    actions = welcome["suggestedActions"]["actions"]
    assert [(a["type"], a["value"]) for a in actions] == [("imBack", q) for q in EXAMPLE_QUESTIONS]
    assert len(actions) == 3


async def test_the_emulator_joining_user_and_bot_gets_one_welcome(http, bot_url, connector):
    conversation_id = new_conversation_id()

    await post(http, bot_url, members_added(connector.url, conversation_id, [USER, BOT]))

    assert len(connector.messages_to(conversation_id)) == 1


async def test_help_command(http, bot_url, connector):
    conversation_id = new_conversation_id()

    await post(http, bot_url, teams_message("help", connector.url, conversation_id))

    (reply,) = connector.messages_to(conversation_id)
    # Each command on a line Teams shows as its own (it ignores a single line break), "<topic>" no tag.
    assert "\n\nhelp - this message\n\nsources - the documents I know and their dates\n\n" in reply["text"]
    assert "brief &lt;topic&gt;" in reply["text"] and "<topic>" not in reply["text"]
    assert reply["text"].startswith(HELP_TEXT.split("\n", 1)[0])
    assert "entities" not in reply  # a command's reply is not AI-generated


async def test_in_a_channel_the_bot_answers_only_when_mentioned(http, bot_url, connector, conversation):
    conversation_id = new_conversation_id("19:general@thread.tacv2;messageid=")

    await post(http, bot_url, channel_message("sources", connector.url, conversation_id, mention_bot=False))
    assert connector.sent_to(conversation_id) == []

    await post(http, bot_url, channel_message("sources", connector.url, conversation_id, mention_bot=True))
    (reply,) = connector.messages_to(conversation_id)
    # The mention was removed, so "sources" was a command: the documents, each on its own line.
    assert reply["text"].startswith("I know these documents:")
    assert all(f"\n\n- {title} (" in reply["text"] for title in conversation.document_titles())


async def test_feedback_is_recorded_without_the_text(http, bot_url, connector, settings):
    conversation_id = new_conversation_id()
    await post(http, bot_url, teams_message(CARBON_QUESTION, connector.url, conversation_id))
    answer = connector.sent_to(conversation_id)[-1]

    invoke = feedback_invoke(connector.url, conversation_id, answer.id, "dislike", "My manager Sam says it is wrong")
    status, _ = await post(http, bot_url, invoke)

    assert status == 200  # Teams shows an error unless the invoke is answered with 200

    record = json.loads(settings.feedback_file.read_text(encoding="utf-8").splitlines()[-1])
    assert record["reaction"] == "dislike"
    assert record["reply_id"] == answer.id and record["conversation_id"] == conversation_id
    assert "Sam" not in settings.feedback_file.read_text(encoding="utf-8")


async def test_other_tenants_are_refused_politely(http, connector, settings, conversation):
    allow_list = replace(settings, allowed_tenants=frozenset({"11111111-aaaa-4bbb-8ccc-000000000001"}))
    conversation_id = new_conversation_id()

    async with serving(create_app(allow_list, conversation)) as url:
        status, _ = await post(http, url, teams_message(CARBON_QUESTION, connector.url, conversation_id))

    assert status == 201
    assert [m["text"] for m in connector.messages_to(conversation_id)] == [NOT_ALLOWED]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ('{"text": "no type"}', "application/json", 400),
        ('{"type": "message", "text": "no serviceUrl or conversation"}', "application/json", 400),
        ('{"type": "message", "serviceUrl": "http://x", "conversation": {"id": "c"}, "entities": "oops"}', "application/json", 400),
        ('{"type": "message"}', "text/plain", 415),
        ("", "application/x-www-form-urlencoded", 415),
    ],
)
async def test_malformed_requests_get_4xx_and_the_bot_keeps_serving(http, bot_url, connector, body, content_type, status):
    async with http.post(f"{bot_url}/api/messages", data=body.encode(), headers={"Content-Type": content_type}) as response:
        assert response.status == status

    conversation_id = new_conversation_id()
    assert (await post(http, bot_url, teams_message("help", connector.url, conversation_id)))[0] == 201
    assert connector.messages_to(conversation_id)[0]["text"].startswith(HELP_TEXT.split("\n", 1)[0])


async def test_with_an_app_id_unsigned_requests_are_rejected(http, connector, settings, conversation):
    signed_only = replace(settings, app_id="6b1f4c2e-0d7a-4e55-9a3b-2c1d00000000", app_password="not-used")
    conversation_id = new_conversation_id()
    question = teams_message("help", connector.url, conversation_id)

    async with serving(create_app(signed_only, conversation)) as url:
        unsigned, _ = await post(http, url, question)
        garbled, _ = await post(http, url, question, Authorization="Bearer not-a-token")

    assert (unsigned, garbled) == (401, 401)
    assert connector.sent_to(conversation_id) == []


async def test_unsupported_activities_are_acknowledged_and_ignored(http, bot_url, connector):
    conversation_id = new_conversation_id()
    reaction = {**teams_message("", connector.url, conversation_id), "type": "messageReaction", "reactionsAdded": [{"type": "like"}]}

    status, _ = await post(http, bot_url, reaction)

    assert status == 201
    assert connector.sent_to(conversation_id) == []


async def test_a_failed_turn_apologises_with_a_reference_the_log_explains(http, bot_url, connector, caplog):
    conversation_id = new_conversation_id()
    connector.failing.add(conversation_id)  # the connector refuses the answer once

    with caplog.at_level(logging.INFO):
        status, _ = await post(http, bot_url, teams_message(CARBON_QUESTION, connector.url, conversation_id))

    assert status == 201
    (apology,) = connector.messages_to(conversation_id)
    reference = re.search(r"quote reference ([0-9a-f]{8})", apology["text"]).group(1)
    (record,) = [r for r in caplog.records if reference in r.getMessage()]
    # The connector's refusal is its fault, not the bot's: one line saying so, no traceback (an attack review found a
    # connector refusing every send filling the log with them).
    assert "the Bot Connector refused a send" in record.getMessage() and record.exc_info is None
    assert CARBON_QUESTION not in caplog.text  # message text stays out of the log by default


async def test_health_and_readiness(http, bot_url, knowledge_base):
    async with http.get(f"{bot_url}/healthz") as response:
        assert response.status == 200
    async with http.get(f"{bot_url}/readyz") as response:
        ready = await response.json()
    manifest = knowledge_base.manifest
    assert ready == {"status": "ready", "build": knowledge_base.directory.name, "built_at": manifest.built_at, "counts": manifest.counts}


def test_the_app_package_zip_names_the_bot_and_carries_its_icons(tmp_path, capsys):
    app_id = "6b1f4c2e-0d7a-4e55-9a3b-2c1d00000000"
    assert package_main(["--app-id", app_id, "--folder", str(APP_PACKAGE), "--out", str(tmp_path / "app.zip")]) == 0
    # The committed manifest's developer block is a stand-in: building with it says so (a deployer's trial had no word).
    assert "still names example.nhs.uk" in capsys.readouterr().err

    with zipfile.ZipFile(tmp_path / "app.zip") as package:
        manifest = json.loads(package.read("manifest.json"))
        icons = {name: Image.open(io.BytesIO(package.read(name))) for name in ("color.png", "outline.png")}
    assert manifest["id"] == app_id and manifest["bots"][0]["botId"] == app_id
    assert manifest["$schema"].endswith(f"/v{manifest['manifestVersion']}/MicrosoftTeams.schema.json")
    commands = [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]]
    assert commands == ["help", "sources", "brief"]
    assert icons["color.png"].size == (192, 192) and icons["outline.png"].size == (32, 32)
    outline = icons["outline.png"].convert("RGBA")
    assert {outline.getpixel((x, y))[:3] for x in range(32) for y in range(32) if outline.getpixel((x, y))[3]} == {(255, 255, 255)}
    assert outline.getpixel((0, 0))[3] == 0  # transparent background


def test_the_app_package_says_what_is_wrong_with_its_app_id_and_settings(tmp_path, capsys, monkeypatch):
    out = ["--folder", str(APP_PACKAGE), "--out", str(tmp_path / "app.zip")]
    with pytest.raises(SystemExit):
        package_main(["--app-id", "my-bot", *out])
    assert "is not a GUID" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        package_main(["--app-id", "6b1f4c2e-0d7a-4e55-9a3b-2c1d00000000", "--folder", str(tmp_path / "nowhere"), "--out", str(tmp_path / "app.zip")])
    assert "holds no manifest.json" in capsys.readouterr().err
    # A GUID pasted with spaces around it is the GUID (the re-review: "is not a GUID").
    monkeypatch.setenv("MicrosoftAppId", " 6b1f4c2e-0d7a-4e55-9a3b-2c1d00000000 ")
    assert package_main(out) == 0
    capsys.readouterr()
    # A setting it cannot read stops the package in one line (not a traceback).
    monkeypatch.setenv("PORT", "abc")
    assert package_main(["--app-id", "6b1f4c2e-0d7a-4e55-9a3b-2c1d00000000", *out]) == 2
    assert capsys.readouterr().err.startswith("Configuration error: PORT")


async def briefing_message(http, bot_url, connector, topic: str) -> dict:
    conversation_id = new_conversation_id()
    await post(http, bot_url, teams_message(f"brief {topic}", connector.url, conversation_id))
    (reply,) = connector.messages_to(conversation_id)
    return reply


async def test_a_briefing_is_cited_and_marked_ai_generated_with_its_references_on_their_own_lines(http, bot_url, connector):
    reply = await briefing_message(http, bot_url, connector, "net zero targets and our carbon footprint")
    text = reply["text"]
    entity = ai_entity(reply)
    assert entity["additionalType"] == ["AIGeneratedContent"] and entity["@type"] == "Message"
    positions = [claim["position"] for claim in entity["citation"]]
    assert len(positions) >= 4 and set(positions) == {int(n) for n in re.findall(r"(?<!\\)\[(\d+)\]", text)}
    assert all(claim["appearance"]["abstract"] and ", p. " in claim["appearance"]["name"] for claim in entity["citation"])
    references = text.split("References", 1)[1]
    assert re.search(r"\n\n\[2\] ", references)  # one reference a line: Teams breaks lines at blank lines only


async def test_a_briefing_escapes_the_topic_the_user_typed(http, bot_url, connector):
    reply = await briefing_message(http, bot_url, connector, "net zero [Reset your password](http://evil.example) <b>now</b>")
    text = reply["text"]
    assert not re.search(r"(?<!\\)\[Reset|(?<!\\)\]\(http", text)  # no Markdown link
    assert "<b>" not in text and "</b>" not in text and "&lt;b&gt;now&lt;/b&gt;" in text  # no HTML tag
    assert "\\[Reset your password\\]" in text and ai_entity(reply)["additionalType"] == ["AIGeneratedContent"]


async def test_a_briefing_topic_longer_than_a_question_is_refused_with_a_short_message(http, bot_url, connector):
    topic = "net zero " * 150  # 1,350 characters: a question this long is refused too
    reply = await briefing_message(http, bot_url, connector, topic)
    assert reply["text"] == TOPIC_TOO_LONG.format(length=len(topic.strip()), limit=MAX_QUESTION_CHARS)
    assert not reply.get("attachments")
