"""The document toolkit: what every PDF of fieldapp is drawn with.

* `context` — `DocumentContext`, what blocks and page furniture ask of a document
  (company, styles, language, copy, title, numbers), and `check_options`;
* `blocks` — sections, label/value tables, times, clocks, free text, signature cells,
  the receipt's head and foot;
* `flowing_table` — `FlowingTable`, a table that splits across pages whatever its data;
* `furniture` — what A4 pages carry around the body: header, footer, page x of y, and
  the draft mark;
* `page` — the A4 page layout and the receipt roll, one page builder, PDF metadata;
* `text` — escaped paragraphs, bold CJK text, the seal in groups.

The slip (`slip_pdf`), the workflow documents (`workflow_pdf`) and the service reports
(`report_pdf`) are thin users of these. See docs/documents.md.
"""

from fieldapp.documents.kit.context import (
    CopyName,
    DocumentContext,
    LayoutName,
    Options,
    check_options,
    number_pairs,
)
from fieldapp.documents.kit.flowing_table import Cell, Command, FlowingTable
from fieldapp.documents.kit.text import bold_text, escape, para, seal_lines

__all__ = [
    "Cell",
    "Command",
    "CopyName",
    "DocumentContext",
    "FlowingTable",
    "LayoutName",
    "Options",
    "bold_text",
    "check_options",
    "escape",
    "number_pairs",
    "para",
    "seal_lines",
]
