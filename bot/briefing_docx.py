"""A briefing as a Word document, the form comms edit and pass on.

The same sections as the Markdown, built with python-docx. Every ``[n]`` in
the text is an internal link to entry n of the References list (a Word
bookmark), so a reader can click from a point to the quoted sentence, its
document and page. The generation date and the knowledge base build are on
the document, so a draft can be traced to the sources it was made from.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from bot.briefing import (
    Briefing,
    Point,
    action_line,
    footer,
    next_steps_intro,
    reference_line,
    render_markdown,
    source_line,
    thin_note,
)

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LINK_COLOUR = "0563C1"


def briefing_docx(briefing: Briefing) -> bytes:
    """The briefing as the bytes of a .docx file."""
    document = Document()
    document.core_properties.title = f"Briefing: {briefing.topic}"
    document.core_properties.subject = f"Knowledge base built {briefing.kb_built_at}"
    document.add_heading(f"Briefing: {briefing.topic}", level=0)
    document.add_paragraph(footer(briefing)).runs[0].italic = True
    document.add_paragraph().add_run(briefing.headline).bold = True
    if briefing.thin:
        document.add_paragraph(thin_note(briefing))
    _cited_list(document, "Key points", briefing.points, "List Number")
    _cited_list(document, "Key figures", briefing.key_figures, "List Bullet")
    if briefing.next_actions:
        document.add_heading("What happens next", level=1)
        document.add_paragraph(next_steps_intro(briefing))
        for action in briefing.next_actions:
            document.add_paragraph(action_line(action), style="List Bullet")
    if briefing.citations:
        document.add_heading("References", level=1)
        for citation in briefing.citations:
            paragraph = document.add_paragraph(f"[{citation.n}] {reference_line(citation)}")
            _bookmark(paragraph, citation.n)
    if briefing.sources:
        document.add_heading("Sources", level=1)
        for source in briefing.sources:
            document.add_paragraph(source_line(source), style="List Bullet")
    document.sections[0].footer.paragraphs[0].text = footer(briefing)
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


def _cited_list(document, title: str, points: list[Point], style: str) -> None:
    if not points:
        return
    document.add_heading(title, level=1)
    for point in points:
        paragraph = document.add_paragraph(f"{point.text} ", style=style)
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
