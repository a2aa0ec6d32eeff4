"""Briefings for comms: a topic in, a cited briefing out.

Extractive like the answering service, so every point can be trusted: each is
a sentence of a document, or the run of its clauses that speaks to the topic
(cut only at clause boundaries, so still verbatim on the page), cited with its
page. A briefing is wider than an answer. The data flows through the modules
in this order:

1. ``topic``: the topic is read into queries, the whole topic and each of its
   facets ("covid-19 vaccination and current covid pressures" has two), each
   with its embedding and its words' stems weighted by how telling they are;
   acronyms the documents use for its phrases ("PHM") count as its words.
2. ``writer`` (``BriefingWriter.write``), gathering: the topic, each facet and
   the aspects the documents discuss under it (section headings of the best
   hits and action-table themes close in meaning) are searched (hybrid
   search), and the topic once more with the most telling words its best
   sentences share (pseudo relevance feedback). The answering service's
   decision model says whether it would answer the topic as a question.
   Every sentence of the chunks found is scored against its
   best-matching query (meaning; the query's telling words in the sentence or
   its heading; what its section is about), and near-duplicates (cosine above
   0.9, no new figure) are dropped.
3. ``clauses``: each relevant sentence is cut at clause boundaries into what
   can stand as a point, or as a key figure (a clause giving a number that
   names a word of the topic); table debris, captions and links are refused.
4. ``writer``, writing: points are the most important passages, the best of
   each facet and of each document that speaks strongly to the topic taken
   first, a list's introduction with its items, a point the next sentence
   carries on ("... this risk ...") with that sentence; the headline is the leading
   whole sentence, not repeated as a point; key figures give numbers the
   points do not (a clause naming the topic, else the claim that holds the
   figure); citations are numbered in order of use. When fewer than four
   passages speak to the topic, and the decision model would not answer it
   (or none does), the briefing says the documents say little, rather than
   padding.
5. ``next_steps``: "What happens next" counts the topic's actions in the
   action table and shows the nearest due.
6. ``render`` turns the ``Briefing`` into Markdown (chat, ``--out FILE.md``)
   or JSON (``--json``); ``docx`` into a Word document whose ``[n]`` markers
   link to the references.

``BriefingWriter.warm_up`` does the writer's one-off work (embedding every
section heading and action) so a server can pay for it at start-up.
"""

from bot.briefing.docx import DOCX_MEDIA_TYPE, briefing_docx, docx_name, save_briefing
from bot.briefing.render import briefing_json, render_markdown, render_terminal
from bot.briefing.writer import Briefing, BriefingWriter

__all__ = [
    "DOCX_MEDIA_TYPE",
    "Briefing",
    "BriefingWriter",
    "briefing_docx",
    "briefing_json",
    "docx_name",
    "render_markdown",
    "render_terminal",
    "save_briefing",
]
