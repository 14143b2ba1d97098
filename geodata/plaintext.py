"""Plain text an administrator types for people to read (a category's names, the public page's
title and introduction): trimmed, bounded, and refused with a message naming the field when it is
missing, too long or holds a control character. Pages escape it; this keeps it what it claims to be.

Messages are in Chinese with their English beside them, as everywhere in geodata.
"""

from __future__ import annotations

import re
import unicodedata

from geodata.errors import InvalidInput

HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")  # Chinese characters and punctuation


def check_line(value: str, field: str, name_zh: str, name_en: str, limit: int, required: bool = True) -> str:
    """``value`` trimmed, or InvalidInput naming the field: empty when required, longer than
    ``limit``, or holding a line break or another control character."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"请填写{name_zh}", en=f"Please fill in the {name_en}", field=field)
    _check_length(text, field, name_zh, name_en, limit)
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise InvalidInput(
            f"{name_zh}含有换行或控制字符：请写成一行",
            en=f"The {name_en} holds a line break or a control character: please write it on one line",
            field=field,
        )
    return text


def check_paragraph(value: str, field: str, name_zh: str, name_en: str, limit: int) -> str:
    """A paragraph (may be empty): trimmed, line breaks kept as ``\\n``, at most ``limit``
    characters, no control character but the line break."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    _check_length(text, field, name_zh, name_en, limit)
    if any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in text):
        raise InvalidInput(
            f"{name_zh}含有控制字符：只能是纯文本",
            en=f"The {name_en} holds a control character: it must be plain text",
            field=field,
        )
    return text


def check_english(text: str, field: str, name_zh: str, name_en: str) -> str:
    """``text`` when it holds no Chinese (English pages show it); InvalidInput naming the field."""
    if HAN.search(text):
        raise InvalidInput(
            f"{name_zh}含有中文：英文页面显示它，请用英文填写",
            en=f"The {name_en} holds Chinese characters: English pages show it, please write it in English",
            field=field,
        )
    return text


def _check_length(text: str, field: str, name_zh: str, name_en: str, limit: int) -> None:
    if len(text) > limit:
        raise InvalidInput(
            f"{name_zh}过长：{len(text)} 字，最多 {limit} 字",
            en=f"The {name_en} is too long: {len(text)} characters, at most {limit}",
            field=field,
        )
