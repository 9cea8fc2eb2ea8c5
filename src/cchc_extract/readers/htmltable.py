"""HTML tables left inside Markdown (as legal-database sites export them), read into rows."""

from __future__ import annotations

from html.parser import HTMLParser

_MAX_COLSPAN = 100  # a colspan in the millions would build a row of that many cells


class HtmlTable(HTMLParser):
    """Rows of an HTML table left in a Markdown file, merged cells written once."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []
            span = (dict(attrs).get("colspan") or "1").strip()
            self.span = min(int(span), _MAX_COLSPAN) if span.isdecimal() and span.isascii() else 1
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            if not self.rows:
                self.rows.append([])
            self.rows[-1].extend([" ".join("".join(self.cell).split())] + [""] * (self.span - 1))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
