"""Property tests of kg.ingest: never crash, offsets always map into the original, monotonic."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.ingest.encoding import DecodeError, decode_bytes
from kg.ingest.formats import html_to_text, markdown_to_text
from kg.ingest.normalize import normalize_chars, repair_text
from kg.ingest.page import split_page
from kg.ingest.records import OffsetMap

# characters that exercise every rule: CJK, full-width, odd spaces, line breaks, punctuation,
# byline markers and parentheses
PIECES = st.sampled_from(
    list("中国科技创新张李王记者本报讯电转自来源整理")
    + list("ＡＢ１２，。！？：；（）()“”——…■ 　\u00a0\t\n\r\u200b\ufeff")
    + list("abcXYZ019.,!?#*[]<>/&|`-")
    + ["\n\n", "\r\n", "本报记者 ", "（转自人民网）", "■ 张三 李四", "本报讯（王五）", "# ", "## "]
)
TEXTS = st.lists(PIECES, max_size=80).map("".join) | st.text(max_size=200)


def _folds_to(orig: str, ch: str) -> bool:
    """Whether original character ``orig`` may legitimately appear as ``ch``."""
    if orig == ch:
        return True
    if ch in " \n":
        return orig.isspace() or orig in "\u200b\ufeff" or not orig.isprintable()
    return normalize_chars(orig)[0] == ch


def check_map(text: str, mapping: OffsetMap, original: str, *, exact: bool = True) -> None:
    assert mapping.length == len(text)
    last = 0
    for i in range(len(text) + 1):
        o = mapping.to_original(i)
        assert 0 <= o <= len(original)
        assert o >= last, "offsets must be non-decreasing"
        last = o
        if i < len(text):
            assert o < len(original)
            if exact:
                assert _folds_to(original[o], text[i]), (i, text[i], original[o])
    for s in range(0, len(text), 7):
        a, b = mapping.span_to_original(s, min(len(text), s + 5))
        assert 0 <= a <= b <= len(original)


@given(TEXTS)
def test_normalize_chars(raw: str) -> None:
    text, mapping = normalize_chars(raw)
    check_map(text, mapping, raw)
    assert "\r" not in text


@given(TEXTS)
def test_repair_text(raw: str) -> None:
    text, mapping = repair_text(raw)
    check_map(text, mapping, raw)
    assert "\n\n" not in text
    assert text == text.strip()


@given(TEXTS)
@settings(max_examples=300)
def test_split_page(raw: str) -> None:
    norm, mapping = normalize_chars(raw)
    for article in split_page(norm, mapping):
        check_map(article.text, article.offsets, raw)
        assert article.text
        assert "\n\n" not in article.text


@given(TEXTS)
def test_markdown(raw: str) -> None:
    norm, mapping = normalize_chars(raw)
    converted = markdown_to_text(norm, mapping)
    check_map(converted.text, converted.offsets, raw, exact=False)
    assert converted.text.count("\n") == norm.count("\n")
    for article in split_page(converted.text, converted.offsets, converted.headings):
        check_map(article.text, article.offsets, raw, exact=False)


@given(TEXTS.map(lambda t: f"<html><body><h1>{t[:20]}</h1><p>{t}</p><script>{t}</script></body>"))
@settings(max_examples=100)
def test_html(raw: str) -> None:
    converted = html_to_text(raw)
    check_map(converted.text, converted.offsets, raw, exact=False)
    norm, inner = normalize_chars(converted.text)
    mapping = inner.then(converted.offsets)
    check_map(norm, mapping, raw, exact=False)
    for article in split_page(norm, mapping, converted.headings):
        check_map(article.text, article.offsets, raw, exact=False)


@given(st.binary(max_size=300))
def test_decode_never_crashes(data: bytes) -> None:
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        assert str(exc)
    else:
        assert isinstance(decoded.text, str)


@given(TEXTS, st.sampled_from(["utf-8", "utf-16", "gb18030", "utf-8-sig"]))
def test_decode_roundtrip(raw: str, encoding: str) -> None:
    try:
        data = raw.encode(encoding)
    except UnicodeEncodeError:
        return
    try:
        decoded = decode_bytes(data)
    except DecodeError:
        return  # binary-looking input (NUL or control characters) may be refused
    if encoding.startswith("utf"):  # a leading U+FEFF is read as a byte-order mark
        assert decoded.text.lstrip("\ufeff") == raw.lstrip("\ufeff")


@given(TEXTS, st.integers(min_value=4, max_value=40))
@settings(max_examples=200)
def test_split_hard_wrapped_page(raw: str, width: int) -> None:
    wrapped = "\n".join(raw[i : i + width] for i in range(0, len(raw), width))
    norm, mapping = normalize_chars(wrapped)
    for article in split_page(norm, mapping):
        check_map(article.text, article.offsets, wrapped)
        assert "\n\n" not in article.text
