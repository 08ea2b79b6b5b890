"""Safe XML parsing for plugin files, including ones written by strangers.

Plugin XML never needs a document type declaration, so any DOCTYPE or ENTITY declaration is
refused before lxml sees the bytes: that closes entity expansion (billion laughs) and external
entities (file and network reads) in one place. The parser itself also loads no DTD, resolves no
entity and uses no network, and libxml2's default limits on depth and node size stay on.
"""

from __future__ import annotations

import codecs
import re
from typing import Literal

from lxml import etree

from generator.errors import InputError

# Plugin XML files are a few kilobytes; anything this large is a mistake or an attack.
MAX_XML_BYTES = 8 * 1024 * 1024

XmlProblemKind = Literal["unsafe", "too-large", "syntax"]

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# libxml2 phrases its own resource limits like this; they are size problems, not typos.
_LIMIT_MESSAGES = ("excessive depth", "huge input", "amplification", "xml_parse_huge", "too big")


class XmlParseError(InputError):
    """An XML file that is not well-formed, too large, or uses a declaration we refuse."""

    def __init__(
        self,
        message: str,
        *,
        kind: XmlProblemKind,
        line: int = 1,
        col: int = 1,
        file: str | None = None,
    ) -> None:
        super().__init__(message, file=file, line=line, col=col)
        self.kind = kind


def safe_parser() -> etree.XMLParser:
    """A new parser that reads no DTD, expands no entity and never touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
    )


def parse_xml(data: bytes, *, file: str | None = None) -> etree._Element:
    """Parse one XML document and return its root element, or raise XmlParseError."""
    if len(data) > MAX_XML_BYTES:
        raise XmlParseError(
            f"the file is {len(data)} bytes; XML files in a plugin are refused above "
            f"{MAX_XML_BYTES} bytes",
            kind="too-large",
            file=file,
        )
    _refuse_declarations(data, file)

    # A fresh parser per document: lxml parsers keep an error log and are not thread-safe.
    parser = safe_parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error, file) from None

    # Second guard for encodings the byte scan cannot read (UTF-32, EBCDIC).
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise XmlParseError(_DECLARATION_MESSAGE, kind="unsafe", file=file)
    return root


_DECLARATION_MESSAGE = (
    "the file declares a DOCTYPE or ENTITY; plugin XML never needs one and entity declarations "
    "can expand without bound or read other files: remove the declaration"
)


def _refuse_declarations(data: bytes, file: str | None) -> None:
    text = _prolog_text(data)
    offset = _declaration_offset(text)
    if offset is None:
        return
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    raise XmlParseError(_DECLARATION_MESSAGE, kind="unsafe", line=line, col=col, file=file)


def _declaration_offset(text: str) -> int | None:
    """Where a DOCTYPE or ENTITY declaration starts in the prolog, skipping comments and
    processing instructions in one linear pass (a regex over hostile input could backtrack)."""
    pos = 0
    while (start := text.find("<", pos)) >= 0:
        for opener, closer in (("<!--", "-->"), ("<?", "?>")):
            if text.startswith(opener, start):
                end = text.find(closer, start + len(opener))
                if end < 0:
                    return None
                pos = end + len(closer)
                break
        else:
            if _DECLARATION.match(text, start):
                return start
            # The first other markup is the root element: declarations cannot follow it.
            return None
    return None


def _prolog_text(data: bytes) -> str:
    """The document as text, good enough to find markup declarations in any common encoding."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if data[:2] in (b"<\x00", b"\x00<"):
        return data.decode("utf-16-le" if data[0] == 0x3C else "utf-16-be", errors="replace")
    # Every ASCII-compatible encoding spells "<!DOCTYPE" with the same bytes.
    return data.decode("latin-1")


def _syntax_error(error: etree.XMLSyntaxError, file: str | None) -> XmlParseError:
    line, col = error.position if error.position else (1, 1)
    message = str(error.msg or error).strip()
    # lxml appends ", line N, column M" which the finding already carries.
    message = re.sub(r", line \d+, column \d+$", "", message)
    kind: XmlProblemKind = "syntax"
    if any(phrase in message.lower() for phrase in _LIMIT_MESSAGES):
        kind = "too-large"
    return XmlParseError(message, kind=kind, line=max(line, 1), col=max(col, 1), file=file)
