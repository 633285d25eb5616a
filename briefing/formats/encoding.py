"""Bytes → text: byte-order marks, strict UTF-8, GB18030 vs Big5, charset-normalizer."""

from __future__ import annotations

import functools
import unicodedata

from briefing import clean
from briefing.errors import IngestError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_MAGIC = (
    (b"%PDF-", "a PDF"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip data"), (b"\x7fELF", "an executable"), (b"MZ", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an Office document"), (b"SQLite format 3", "an SQLite database"),
)  # fmt: skip




@functools.cache
def _common_hanzi(encoding: str) -> frozenset[str]:
    """The level-1 (most frequent) characters of GB2312 or Big5.

    Built from the codecs themselves: GB2312 rows 0xB0–0xD7 hold the 3,755
    common simplified characters, Big5 0xA440–0xC67E the 5,401 common
    traditional ones.  Wrongly decoded bytes land mostly outside these sets.
    """
    chars: set[str] = set()
    if encoding == "gb18030":
        leads, trails, codec = range(0xB0, 0xD8), range(0xA1, 0xFF), "gb2312"
    else:
        leads, trails, codec = range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)], "big5"
    for lead in leads:
        for trail in trails:
            try:
                chars.add(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def _chinese_score(text: str, encoding: str) -> float:
    """Share of the non-ASCII characters that are common characters of ``encoding``."""
    common = _common_hanzi(encoding)
    wide = [ch for ch in text if ord(ch) > 0x7F and not ch.isspace()]
    if not wide:
        return 0.0
    hits = sum(1 for ch in wide if ch in common or clean.CJK_CHAR.match(ch) and not clean.HAN_CHAR.match(ch))
    return hits / len(wide)


def decode(data: bytes, path: str = "<bytes>") -> tuple[str, str, list[str]]:
    """Decode article bytes: (text, encoding, problems); raises IngestError.

    Order: byte-order mark, strict UTF-8, strict GB18030 vs Big5 (scored by
    common characters), then charset-normalizer, then GB18030 with
    replacement characters if the damage is small.
    """
    if not data:
        raise IngestError(path, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, []
            except UnicodeDecodeError:
                raise IngestError(path, f"undecodable: broken {encoding} after its byte-order mark") from None
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise IngestError(path, f"binary file ({what}), not an article")
    if b"\x00" in data:
        raise IngestError(path, "binary file (contains NUL bytes), not an article")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    scored = []
    for encoding in ("gb18030", "big5", "cp950", "big5hkscs"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        family = "gb18030" if encoding == "gb18030" else "big5"
        scored.append((_chinese_score(text, family), encoding, text))
    if scored:
        score, encoding, text = max(scored, key=lambda item: item[0])
        if score >= 0.6:
            return text, encoding, []
    # Valid UTF-8 but for a few broken sequences (a truncated copy, a bad
    # sector): keep the article with replacement characters and say so.  Left
    # to the guessers below, a 12 KB UTF-8 article with five bad bytes in the
    # middle was skipped as undecodable.  Text in a legacy encoding turns
    # nearly every Chinese character into U+FFFD here, so it never passes.
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    if damaged <= max(2, len(text) // 200):
        return text, "utf-8", [f"decoded as utf-8 with replacement ({damaged} bad byte sequence(s))"]
    guess = _charset_normalizer_guess(data)
    if guess is not None:
        return guess[0], guess[1], []
    text = data.decode("gb18030", errors="replace")
    damaged = text.count("\ufffd")
    if damaged > max(2, len(text) // 50):
        raise IngestError(path, "undecodable: not UTF-8, GB18030, Big5 or another known encoding")
    return text, "gb18030", [f"decoded as gb18030 with replacement ({damaged} bad byte sequence(s))"]


def _charset_normalizer_guess(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes  # noqa: PLC0415 - slow import, rarely needed

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding in ("utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le"):
        return None
    try:
        return data.decode(best.encoding), best.encoding.replace("_", "-")
    except (UnicodeDecodeError, LookupError):
        return None


def looks_binary(text: str) -> bool:
    """True when decoded text is mostly control, private-use or replacement characters."""
    sample = text[:20000]
    bad = sum(
        1 for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") and ch not in "\t\n\r\f")
    )  # fmt: skip
    return bad > max(3, len(sample) // 20)
