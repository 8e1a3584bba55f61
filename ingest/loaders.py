"""Read documents of the supported kinds into plain text, with established libraries."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from policyqa.errors import PolicyQAError

SUPPORTED = {".txt", ".md", ".docx", ".pdf", ".html", ".htm"}
MAX_BYTES = 50 * 1024 * 1024


def read_text(path: Path) -> str:
    """Plain text of a ``.txt``/``.md``/``.docx``/``.pdf``/``.html`` file.

    Raises :class:`PolicyQAError` naming the file when it is missing, unsupported, too large,
    unreadable or empty.
    """
    if not path.is_file():
        raise PolicyQAError(f"{path}: no such file.", "check the path.")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise PolicyQAError(
            f"{path}: unsupported file type {suffix or '(none)'!r}.",
            f"give one of {', '.join(sorted(SUPPORTED))}.",
        )
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise PolicyQAError(f"{path}: {size / 1e6:.0f} MB is over the 50 MB limit.", "split the file.")
    try:
        text = _READERS[suffix](path)
    except PolicyQAError:
        raise
    except Exception as exc:
        raise PolicyQAError(
            f"{path}: could not be read as {suffix} ({exc}).", "check that the file is not damaged."
        ) from exc
    if "\x00" in text:
        raise PolicyQAError(f"{path}: looks like a binary file, not {suffix} text.", "give the document itself.")
    if len(text.strip()) < 20:
        raise PolicyQAError(f"{path}: no text found.", "give a document with text in it.")
    return text


def _read_plain(path: Path) -> str:
    return decode_text(path.read_bytes(), path)


def decode_text(raw: bytes, path: Path) -> str:
    """Text from bytes in UTF-8 or GB18030; any other encoding is refused with the fix.

    GB18030 decodes almost any byte string, so a Latin-1 or Windows-1252 file ("Prüfung") would
    come out as Chinese characters; it is taken only when its two-byte characters look like
    Chinese ones (both bytes high), as they do in real GB18030 text.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise PolicyQAError(f"{path}: UTF-16, not text in UTF-8 or GB18030.", "save the file as UTF-8.")
    if b"\x00" in raw[:4096]:
        raise PolicyQAError(
            f"{path}: looks like a binary file, not text.",
            "give a text document (UTF-16 text without a byte-order mark: save it as UTF-8).",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _looks_like_gb18030(raw):
        return raw.decode("gb18030")
    raise PolicyQAError(
        f"{path}: not UTF-8 or GB18030 text (it looks like Windows-1252 or Latin-1).", "save the file as UTF-8."
    )


_TWO_BYTE = re.compile(rb"[\x81-\xff](.)", re.DOTALL)


def _looks_like_gb18030(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    trails = _TWO_BYTE.findall(raw)  # the byte after each high byte, pairs read left to right
    wide = sum(1 for t in trails if t[0] >= 0x81)
    return wide > 0 and wide >= 4 * (len(trails) - wide)


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    text = "\n\n".join((page.extract_text() or "") for page in reader.pages)
    if reader.pages and not text.strip():  # pages, but no characters on them: images of pages
        raise PolicyQAError(
            f"{path}: no text layer; scanned PDFs need OCR, which is not supported.",
            "give a PDF with selectable text, or the document as .docx, .html or .txt.",
        )
    return text


def _read_markdown(path: Path) -> str:
    return markdown_text(_read_plain(path))


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_MD_BULLET = re.compile(r"^([ \t]*)(?:[*+-]|\d+\.(?=[ \t]+\d))[ \t]+", re.MULTILINE)
# **bold**, __bold__, *em*, _em_ (not inside a word: "snake_case" stays), within a line: a mark left unpaired
# on one line ("##### **Section 12") must not pair with the next line's
_MD_EMPHASIS = re.compile(r"(?<![\w*])(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_MD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# emphasis marks left unpaired at a word's start (after a space, a tab, "#" or a line break) or at a line's end
# ("**Commencement information", "Column 3**")
_MD_STRAY = re.compile(r"(?<![^\n#\t ])[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}[ \t]*$", re.MULTILINE)
_MD_EMPTY_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]*$", re.MULTILINE)


def markdown_text(text: str) -> str:
    """A Markdown document as the plain text it shows: list markers, emphasis, link and image syntax
    and comments are markup, not words ("    * (1) This Act binds **_the Crown_**" reads as
    "    (1) This Act binds the Crown"); headings keep their "#" (they mark the document's structure)."""
    text = _MD_COMMENT.sub("", text)
    text = _MD_EMPTY_HEADING.sub("", text)
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_BULLET.sub(r"\1", text)
    for _ in range(3):  # nested emphasis ("**_term_**")
        text, n = _MD_EMPHASIS.subn(r"\2", text)
        if not n:
            break
    return _MD_STRAY.sub("", text)


def _read_docx(path: Path) -> str:
    import docx2txt

    return docx2txt.process(str(path))


def _read_html(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_read_plain(path), "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "form"]):
        tag.decompose()
    blocks = [b.get_text(" ", strip=True) for b in soup.find_all(["h1", "h2", "h3", "h4", "p", "li"])]
    text = "\n\n".join(b for b in blocks if b)
    return text or re.sub(r"\n{3,}", "\n\n", soup.get_text("\n"))


_READERS = {
    ".txt": _read_plain,
    ".md": _read_markdown,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".html": _read_html,
    ".htm": _read_html,
}
