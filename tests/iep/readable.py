"""What a reader sees, as plain text: a page's words without its tags, a WeasyPrint PDF's words. For tests that
compare what each channel says (issue 16.3)."""

import html
import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def words(text: str) -> str:
    """Whitespace folded to single spaces."""
    return " ".join(text.split())


def page_text(markup: str) -> str:
    """A page's text, tags removed (an SVG's <title> and <desc> stay: a screen reader reads them)."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    return words(html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def inflated_streams(pdf: bytes) -> list[bytes]:
    found = []
    for data in _STREAM.findall(pdf):
        # A decompressor object, not zlib.decompress: the pattern's "\r?\n" before "endstream" also takes a last
        # data byte that happens to be 0x0a, which leaves the stream one byte short of its checksum; what it
        # inflates is whole, so a page's text is never dropped for the bytes its date happens to compress to.
        inflate = zlib.decompressobj()
        try:
            found.append(inflate.decompress(data) + inflate.flush())
        except zlib.error:
            continue
    return found


def _to_unicode(streams: list[bytes]) -> dict[int, str]:
    """Glyph id -> text, from every ToUnicode CMap of the file (WeasyPrint keeps each font's own glyph ids;
    the report's fonts are one family, whose ids agree)."""
    table: dict[int, str] = {}
    for stream in streams:
        if b"begincmap" not in stream:
            continue
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
            for low, high, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                first = int(dst, 16)
                for offset, glyph in enumerate(range(int(low, 16), int(high, 16) + 1)):
                    table[glyph] = chr(first + offset)
    return table


_TEXT_OP = re.compile(rb"(-?[\d.]+) (-?[\d.]+) Tm|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", re.S)


def pdf_text(pdf: bytes) -> str:
    """The words of a WeasyPrint PDF in drawing order: each text run decoded through the fonts' ToUnicode
    maps, a new line where the baseline moves."""
    streams = inflated_streams(pdf)
    table = _to_unicode(streams)
    out: list[str] = []
    for stream in streams:
        if b" Tf" not in stream:
            continue
        last_y = None
        for match in _TEXT_OP.finditer(stream):
            if match.group(2) is not None:
                y = match.group(2)
                if y != last_y:
                    out.append("\n")
                last_y = y
                continue
            hexes = re.findall(rb"<([0-9a-fA-F]*)>", match.group(3)) if match.group(3) is not None else [match.group(4)]
            for chunk in hexes:
                out.extend(table.get(int(chunk[i:i + 4], 16), "\ufffd") for i in range(0, len(chunk), 4))
    return words("".join(out))
