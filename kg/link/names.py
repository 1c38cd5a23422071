"""Canonical names: the one ``rdfs:label`` an entity gets, whatever form the text used.

:func:`canonical_name` folds full-width ASCII, drops spaces next to Chinese characters (news pages
write ``2025 年``), strips surrounding quotes and brackets, and then by type:

- WORK keeps (or gets) its title marks: ``黑神话·悟空`` → ``《黑神话·悟空》``.
- PRODUCT / PROJECT lose a trailing class noun when what is left is clearly a name (ends in 号 /
  型 / a letter or digit, or was quoted): ``长征五号运载火箭`` → ``长征五号``,
  ``“悟空”号`` → ``悟空``,
  ``“千问”大模型`` → ``千问``; ``天问二号`` keeps its 号 (it is part of the name).
- PERSON: every middle-dot variant becomes ``·`` (``卡斯滕・芬克`` → ``卡斯滕·芬克``).
- ORG: brackets and quotes folded, a trailing ``的`` or list mark removed.
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = "“”‘’\"'「」『』〝〞"
_WRAPPERS = (
    ("“", "”"),
    ("‘", "’"),
    ('"', '"'),
    ("'", "'"),
    ("「", "」"),
    ("『", "』"),
    ("(", ")"),
    ("[", "]"),
    ("【", "】"),
    ("〔", "〕"),
)
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_DOTS = re.compile(f"\\s*[•・‧∙⋅·]\\s*|(?<=[{_CJK}])\\s*\\.\\s*(?=[{_CJK}])")
_SPACE_NEAR_CJK = re.compile(f"(?<=[{_CJK}])\\s+|\\s+(?=[{_CJK}])")
_CLASS_NOUNS = (
    "运载火箭",
    "商业火箭",
    "火箭",
    "探测器",
    "飞船",
    "卫星",
    "无人机",
    "飞行器",
    "大模型",
    "模型",
    "系列",
    "型号",
)
_QUOTED_NAME = re.compile(r"^[“\"「『‘]([^”\"」』’]+)[”\"」』’](?:号|型)?(.*)$")
_NAME_END = re.compile(r"(?:号|型|[A-Za-z0-9])$")


def fold_width(text: str) -> str:
    """Full-width ASCII → ASCII, ideographic space → space; other characters unchanged."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _strip_wrappers(text: str) -> str:
    changed = True
    while changed and len(text) >= 2:
        changed = False
        for left, right in _WRAPPERS:
            if text.startswith(left) and text.endswith(right) and len(text) > 2:
                inner = text[1:-1]
                if left not in inner and right not in inner:
                    text = inner.strip()
                    changed = True
    return text


def _strip_class_noun(name: str) -> str:
    quoted = _QUOTED_NAME.match(name)
    if quoted:
        rest = quoted.group(2)
        if not rest or rest in _CLASS_NOUNS:
            return quoted.group(1).strip()
    for noun in _CLASS_NOUNS:
        if name.endswith(noun) and len(name) > len(noun) + 1:
            stem = name[: -len(noun)].strip()
            if _NAME_END.search(stem):
                return stem
    return name


def normalise_surface(text: str) -> str:
    """NFC, full-width folded, whitespace collapsed and dropped next to Chinese characters."""
    name = unicodedata.normalize("NFC", fold_width(text))
    name = re.sub(r"\s+", " ", name).strip()
    return _SPACE_NEAR_CJK.sub("", name)


def canonical_name(text: str, label: str) -> str:
    """The canonical form of ``text`` naming an entity of NER label ``label``."""
    name = normalise_surface(text)
    name = name.strip("，。、；：,.;:！？!? ")
    if label == "WORK":
        core = _strip_wrappers(name.strip("《》〈〉"))
        return f"《{core}》" if core else ""
    if label in ("PRODUCT", "PROJECT"):
        name = _strip_class_noun(name)
    name = _strip_wrappers(name)
    if label == "PERSON":
        name = _DOTS.sub("·", name).strip("·")
    elif label == "ORG":
        name = re.sub(r"的$", "", name)
    return name.strip(_QUOTES + " ") or name
