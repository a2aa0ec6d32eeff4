"""A briefing as a Word document, the form comms edit and pass on.

The same sections as the Markdown, built with python-docx. Every ``[n]`` in
the text is an internal link to entry n of the References list (a Word
bookmark), so a reader can click from a point to the quoted sentence, its
document and page. The generation date and the knowledge base build are on
the document, so a draft can be traced to the sources it was made from.

Word cannot hold control characters, and python-docx refuses a title or
subject over 255 characters: every text goes through ``_safe`` on its way in.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from bot.briefing.render import (
    action_line,
    footer,
    next_steps_intro,
    notes,
    notes_before_headline,
    reference_line,
    render_markdown,
    source_line,
)
from bot.briefing.topic import without_control_characters
from bot.briefing.writer import Briefing, Point

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LINK_COLOUR = "0563C1"
PROJECT_AUTHOR = "ICS knowledge bot (draft briefing)"  # who a Word document says wrote it, not "python-docx"
MAX_PROPERTY_CHARS = 255  # python-docx's limit on a document's title and subject


def briefing_docx(briefing: Briefing) -> bytes:
    """The briefing as the bytes of a .docx file."""
    document = Document()
    title = _safe(f"Briefing: {briefing.topic}", MAX_PROPERTY_CHARS)
    document.core_properties.title = title
    document.core_properties.author = _safe(PROJECT_AUTHOR, MAX_PROPERTY_CHARS)
    document.core_properties.last_modified_by = _safe(PROJECT_AUTHOR, MAX_PROPERTY_CHARS)
    document.core_properties.keywords = _safe(f"briefing; {briefing.topic}", MAX_PROPERTY_CHARS)
    document.core_properties.subject = _safe(f"Knowledge base built {briefing.kb_built_at}", MAX_PROPERTY_CHARS)
    document.add_heading(title, level=0)
    _paragraph(document, footer(briefing)).runs[0].italic = True
    for note in notes_before_headline(briefing):
        _paragraph(document, note)
    document.add_paragraph().add_run(_safe(briefing.headline)).bold = True
    for note in notes(briefing):
        _paragraph(document, note)
    _cited_list(document, "Key points", briefing.points, "List Number")
    _cited_list(document, "Key figures", briefing.key_figures, "List Bullet")
    if briefing.next_actions or briefing.commitments:
        document.add_heading("What happens next", level=1)
    if briefing.next_actions:
        _paragraph(document, next_steps_intro(briefing))
        # Numbered as in chat ("who leads no 4?"), in the text: Word's "List Number" would go on from the key points'.
        for n, action in enumerate(briefing.next_actions, 1):
            _paragraph(document, f"{n}. {action_line(action, briefing.as_of)}", "List")
    if briefing.commitments:
        _paragraph(document, "Dated commitments in the documents:")
        for point in briefing.commitments:
            paragraph = _paragraph(document, f"{point.text} ", "List Bullet")
            for n in point.citations:
                _link_to_reference(paragraph, n)
    if briefing.citations:
        document.add_heading("References", level=1)
        for citation in briefing.citations:
            _bookmark(_paragraph(document, f"[{citation.n}] {reference_line(citation)}"), citation.n)
    if briefing.sources:
        document.add_heading("Sources", level=1)
        for source in briefing.sources:
            _paragraph(document, source_line(source), "List Bullet")
    document.sections[0].footer.paragraphs[0].text = _safe(footer(briefing))
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_name(briefing: Briefing) -> str:
    """A file name for the attachment: ``briefing-net-zero-targets.docx``."""
    slug = re.sub(r"[^a-z0-9]+", "-", briefing.topic.lower()).strip("-")[:60] or "topic"
    return f"briefing-{slug}.docx"


def save_briefing(briefing: Briefing, path: Path) -> None:
    """Write the briefing as Markdown (.md) or Word (.docx), chosen by the file's suffix."""
    if path.suffix.lower() == ".docx":
        path.write_bytes(briefing_docx(briefing))
    else:
        path.write_text(render_markdown(briefing), encoding="utf-8")


def _safe(text: str, limit: int | None = None) -> str:
    """Text Word can hold: without control characters and, given a ``limit``, cut to it with an ellipsis."""
    text = without_control_characters(text)
    return text if limit is None or len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _paragraph(document, text: str, style: str | None = None) -> Paragraph:
    return document.add_paragraph(_safe(text), style=style)


def _cited_list(document, title: str, points: list[Point], style: str) -> None:
    if not points:
        return
    document.add_heading(title, level=1)
    for point in points:
        paragraph = _paragraph(document, f"{point.text} ", style)
        for n in point.citations:
            _link_to_reference(paragraph, n)


def _bookmark_name(n: int) -> str:
    return f"ref{n}"


def _link_to_reference(paragraph: Paragraph, n: int) -> None:
    """Append "[n]" as an internal hyperlink to the bookmark on reference n."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), _bookmark_name(n))
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), LINK_COLOUR)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.extend([colour, underline])
    text = OxmlElement("w:t")
    text.text = f"[{n}]"
    run.extend([properties, text])
    link.append(run)
    paragraph._p.append(link)


def _bookmark(paragraph: Paragraph, n: int) -> None:
    """Mark a reference paragraph as the target of the "[n]" links."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(n))
    start.set(qn("w:name"), _bookmark_name(n))
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(n))
    paragraph._p.insert(paragraph._p.index(paragraph._p.r_lst[0]) if paragraph._p.r_lst else 0, start)
    paragraph._p.append(end)
