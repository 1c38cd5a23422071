"""Deterministic entity IRIs: ``https://w3id.org/kg-news/id/{type}/{name}[~{discriminator}]``.

The same (label, name, discriminator) always gives the same IRI, on every machine. Names stay
readable: Chinese characters are kept as they are (IRIs allow them); what an IRI path segment
may not hold — spaces, ``/ ? # [ ] % < > " { } | \\ ^ `` and control characters — is
percent-encoded as UTF-8, and so is ``~`` because it separates the discriminator. The name is NFC
normalised first.
"""

from __future__ import annotations

import unicodedata

BASE = "https://w3id.org/kg-news/id/"

#: NER label → the type segment of the IRI.
TYPE_SEGMENTS: dict[str, str] = {
    "PERSON": "person",
    "ORG": "org",
    "PLACE": "place",
    "PROJECT": "project",
    "PRODUCT": "product",
    "WORK": "work",
    "EVENT": "event",
}

_ASCII_KEEP = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._!$&'()*+,;=:@"
)


def _is_ucschar(code: int) -> bool:
    """RFC 3987 ``ucschar`` (non-ASCII characters allowed unencoded in an IRI)."""
    ranges = ((0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF))
    if any(lo <= code <= hi for lo, hi in ranges):
        return True
    if code >= 0x10000:
        plane_offset = code & 0xFFFF
        return plane_offset <= 0xFFFD and code <= 0xEFFFD
    return False


def encode_segment(text: str) -> str:
    """Percent-encode ``text`` so it is one safe IRI path segment."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if ch in _ASCII_KEEP or (code > 0x7F and _is_ucschar(code) and not ch.isspace()):
            out.append(ch)
        else:
            out.append("".join(f"%{byte:02X}" for byte in ch.encode("utf-8")))
    segment = "".join(out)
    if segment in (".", ".."):
        segment = segment.replace(".", "%2E")
    return segment


def entity_iri(label: str, name: str, discriminator: str | None = None) -> str:
    """The IRI of the entity of NER ``label`` with canonical ``name``.

    >>> entity_iri("ORG", "中国科学院")
    'https://w3id.org/kg-news/id/org/中国科学院'
    >>> entity_iri("PERSON", "王伟", "清华大学")
    'https://w3id.org/kg-news/id/person/王伟~清华大学'
    """
    try:
        segment = TYPE_SEGMENTS[label]
    except KeyError:
        raise ValueError(
            f"Unknown entity label {label!r}; expected one of {', '.join(TYPE_SEGMENTS)}."
        ) from None
    if not name:
        raise ValueError("An entity IRI needs a non-empty name.")
    iri = f"{BASE}{segment}/{encode_segment(name)}"
    if discriminator:
        iri += "~" + encode_segment(discriminator)
    return iri
