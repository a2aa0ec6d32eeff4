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
from urllib.parse import SplitResult, urlsplit

import aiohttp
from botbuilder.schema import Activity, ActivityTypes
from botbuilder.schema import Attachment as BotAttachment

FILE_CONSENT_INVOKE = "fileConsent/invoke"
FILE_INFO_CARD = "application/vnd.microsoft.teams.card.file.info"
# The whole upload of a briefing's Word file to OneDrive. Set by hand: a briefing is tens of kilobytes,
# so a minute is ample; a stalled upload then fails with a message instead of hanging.
UPLOAD_TIMEOUT = aiohttp.ClientTimeout(total=60)
# Where Teams' upload URLs point: the user's OneDrive for Business (commercial and US government clouds).
ONEDRIVE_HOST_SUFFIXES = (".sharepoint.com", ".sharepoint.us")


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


def parse_consent(value: object, signed: bool) -> ConsentAnswer:
    """The user's answer to a file consent card; BadConsent if the value is not one.

    A ``signed`` bot (one with an app id, serving Teams itself) uploads only to
    HTTPS addresses in OneDrive for Business, which is where Teams' upload URLs
    point; without an app id the bot listens on 127.0.0.1 for the Emulator and
    tests, and any HTTP(S) address is taken.
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
    parts = _http_url(info["uploadUrl"])
    if parts is None:
        raise BadConsent("the upload URL must be an HTTP(S) URL with a host")
    if signed and not _in_onedrive(parts):
        raise BadConsent("the upload URL must be an HTTPS address in OneDrive for Business")
    upload = UploadInfo(info["name"], info["uploadUrl"], info["contentUrl"], info["uniqueId"], info["fileType"])
    return ConsentAnswer(True, remake, upload)


def _http_url(url: str) -> SplitResult | None:
    """``url``'s parts if a file could be PUT there: HTTP(S), a host, a port that is a number, no spaces."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # ValueError for "host:abc" or "host:99999"
    except ValueError:  # "http://[::1" and the like
        return None
    if parts.scheme not in ("https", "http") or not parts.hostname or any(c.isspace() for c in url):
        return None
    return parts


def _in_onedrive(parts: SplitResult) -> bool:
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(host.endswith(suffix) for suffix in ONEDRIVE_HOST_SUFFIXES)


async def upload(data: bytes, upload_url: str) -> None:
    """PUT the whole file in one request, as OneDrive's upload session takes it; raises on failure.

    Redirects are not followed: the file goes to the address Teams gave, or nowhere.
    """
    headers = {"Content-Length": str(len(data)), "Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}"}
    async with (
        aiohttp.ClientSession(timeout=UPLOAD_TIMEOUT) as session,
        session.put(upload_url, data=data, headers=headers, allow_redirects=False) as response,
    ):
        response.raise_for_status()
        if response.status >= 300:
            raise aiohttp.ClientResponseError(response.request_info, (), status=response.status, message="redirected")


def file_info_message(upload_info: UploadInfo) -> Activity:
    """The message that shows an uploaded file in the chat."""
    card = BotAttachment(
        content_type=FILE_INFO_CARD,
        name=upload_info.name,
        content_url=upload_info.content_url,
        content={"uniqueId": upload_info.unique_id, "fileType": upload_info.file_type},
    )
    return Activity(type=ActivityTypes.message, attachments=[card])
