"""Guides written in ``docs/`` and shown in the app (``docs/fast-queries.md`` at ``/query/fast``, see
``web/pages.py``). The Markdown is a small subset (headings, paragraphs, lists, code blocks, inline code),
every character of it escaped."""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup, escape

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _inline(text: str) -> str:
    """Escape a line and turn its `code` spans into <code>."""
    parts = re.split(r"`([^`]+)`", text)
    return "".join(f"<code>{escape(p)}</code>" if i % 2 else str(escape(p)) for i, p in enumerate(parts))


def render_markdown(text: str) -> Markup:
    """The HTML of a Markdown text written with headings, paragraphs, ``-`` lists and fenced code only."""
    html: list[str] = []
    para: list[str] = []
    items: list[str] = []
    lines = iter(text.splitlines())

    def flush() -> None:
        if para:
            html.append(f"<p>{_inline(' '.join(para))}</p>")
            para.clear()
        if items:
            html.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in lines:
        if line.startswith("```"):
            flush()
            code = []
            for inner in lines:
                if inner.startswith("```"):
                    break
                code.append(inner)
            html.append(f"<pre><code>{escape(chr(10).join(code))}</code></pre>")
        elif heading := re.match(r"^(#{1,3}) (.*)", line):
            flush()
            level = len(heading.group(1))
            html.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif line.startswith("- "):
            if para:
                flush()
            items.append(line[2:])
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
        elif not line.strip():
            flush()
        else:
            if items:
                flush()
            para.append(line.strip())
    flush()
    return Markup("\n".join(html))


def guide(name: str) -> Markup:
    """The HTML of ``docs/<name>.md``."""
    return render_markdown((DOCS / f"{name}.md").read_text("utf-8"))
