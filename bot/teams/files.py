"""Sending files in Teams: the user's answer to a file consent card, and the upload it allows.

Teams takes no inline files from bots. In a personal chat the bot offers a
file consent card (``render.file_consent_card``); when the user accepts,
Teams sends a ``fileConsent/invoke`` activity whose ``uploadInfo`` names a
OneDrive upload URL. The bot makes the file again from the card's context,
PUTs it there, and posts a file info card so the file shows in the chat
(Microsoft Learn, "Send and receive files using bots").
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

import aiohttp
from botbuilder.schema import Activity, ActivityTypes, Attachment as BotAttachment

FILE_CONSENT_INVOKE = "fileConsent/invoke"
FILE_INFO_CARD = "application/vnd.microsoft.teams.card.file.info"
UPLOAD_TIMEOUT = aiohttp.ClientTimeout(total=60)


class BadConsent(ValueError):
    """The invoke's value is not a file consent answer this bot can act on."""


@dataclass(frozen=True)
class UploadInfo:
    name: str
    upload_url: str
    content_url: str
    unique_id: str
    file_type: str


@dataclass(frozen=True)
class ConsentAnswer:
    accepted: bool
    remake: dict[str, str]  # the card's context: what file to make again
    upload: UploadInfo | None  # where to put it, when accepted


def parse_consent(value: object, https_only: bool) -> ConsentAnswer:
    """The user's answer to a file consent card; BadConsent if the value is not one.

    With ``https_only`` (a bot with an app id, so the activity was signed by
    Microsoft), the upload URL must be HTTPS.
    """
    if not isinstance(value, dict) or value.get("action") not in ("accept", "decline"):
        raise BadConsent("the value has no action of accept or decline")
    remake = value.get("context")
    if not isinstance(remake, dict):
        raise BadConsent("the value has no context")
    if value["action"] == "decline":
        return ConsentAnswer(False, remake, None)
    info = value.get("uploadInfo")
    fields = ("name", "uploadUrl", "contentUrl", "uniqueId", "fileType")
    if not isinstance(info, dict) or not all(isinstance(info.get(f), str) and info[f] for f in fields):
        raise BadConsent("an accepted card must come with uploadInfo naming " + ", ".join(fields))
    if urlparse(info["uploadUrl"]).scheme not in (("https",) if https_only else ("https", "http")):
        raise BadConsent("the upload URL must be HTTPS")
    upload = UploadInfo(info["name"], info["uploadUrl"], info["contentUrl"], info["uniqueId"], info["fileType"])
    return ConsentAnswer(True, remake, upload)


async def upload(data: bytes, upload_url: str) -> None:
    """PUT the whole file in one request, as OneDrive's upload session takes it; raises on failure."""
    headers = {"Content-Length": str(len(data)), "Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}"}
    async with aiohttp.ClientSession(timeout=UPLOAD_TIMEOUT) as session:
        async with session.put(upload_url, data=data, headers=headers) as response:
            response.raise_for_status()


def file_info_message(upload_info: UploadInfo) -> Activity:
    """The message that shows an uploaded file in the chat."""
    card = BotAttachment(
        content_type=FILE_INFO_CARD,
        name=upload_info.name,
        content_url=upload_info.content_url,
        content={"uniqueId": upload_info.unique_id, "fileType": upload_info.file_type},
    )
    return Activity(type=ActivityTypes.message, attachments=[card])
