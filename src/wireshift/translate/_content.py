"""Content parts from Responses (``input_text``, ``input_image``...) to Chat (``text``,
``image_url``...), as JSON-ready dicts. The other way is in ``_request_to_responses``, with
the chat models it needs: a Responses -> chat translation never loads them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._errors import quoted
from ..responses._content import (
    ComputerScreenshot,
    ContentPart,
    InputAudio,
    InputFile,
    InputImage,
    InputText,
    OutputText,
    PlainText,
    ReasoningText,
    Refusal,
    SummaryText,
)
from ._context import Recorder

__all__ = [
    "PART_JOINER",
    "TEXT_PARTS",
    "chat_text",
    "responses_text",
    "to_chat_assistant_content",
    "to_chat_content",
]

PART_JOINER = "\n"
"""Joins text parts where a backend needs one string (vLLM joins them the same way)."""

TEXT_PARTS: frozenset[type[Any]] = frozenset(
    {InputText, OutputText, PlainText, SummaryText, ReasoningText}
)
"""Responses part classes that hold a ``text`` (matched by exact class, for speed)."""
_CHAT_IMAGE_DETAILS = frozenset({"auto", "low", "high"})


def responses_text(content: str | list[ContentPart] | None) -> str:
    """The text of Responses content: a string as it is, text parts joined."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return PART_JOINER.join(p.text for p in content if type(p) in TEXT_PARTS)  # type: ignore[union-attr]


def chat_text(content: Any) -> str:
    """The text of Chat content given as JSON data: a string as it is, text parts joined."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return PART_JOINER.join(
        p["text"] for p in content if isinstance(p, dict) and p.get("type") == "text"
    )


# --- Responses -> Chat -----------------------------------------------------------------------


def _image(
    part: InputImage | ComputerScreenshot, path: str, rec: Recorder
) -> dict[str, Any] | None:
    if part.image_url is None:
        rec.drop(
            path,
            "an image given by file id has no Chat form (Chat images are URLs or data URLs)",
            "translate.content.image_file_id",
        )
        return None
    image: dict[str, Any] = {"url": part.image_url}
    if part.detail is not None:
        if part.detail in _CHAT_IMAGE_DETAILS:
            image["detail"] = part.detail
        else:
            rec.change(
                f"{path}.detail",
                f"Chat image detail is auto, low or high; {quoted(part.detail)} sent as 'high'",
                "translate.content.image_detail",
                lossy=True,
            )
            image["detail"] = "high"
    return {"type": "image_url", "image_url": image}


def _file(part: InputFile, path: str, rec: Recorder) -> dict[str, Any] | None:
    file: dict[str, Any] = {}
    if part.file_data is not None:
        file["file_data"] = part.file_data
    if part.file_id is not None:
        file["file_id"] = part.file_id
    if part.filename is not None:
        file["filename"] = part.filename
    if part.file_url is not None:
        rec.drop(
            f"{path}.file_url",
            "Chat files are inline data or uploaded file ids, not URLs",
            "translate.content.file_url",
        )
    if "file_data" not in file and "file_id" not in file:
        rec.drop(path, "a file with neither data nor id has no Chat form", "translate.content.file")
        return None
    return {"type": "file", "file": file}


def _text(part: InputText | PlainText, path: str, rec: Recorder) -> dict[str, Any]:
    return {"type": "text", "text": part.text}


def _output_text(part: OutputText, path: str, rec: Recorder) -> dict[str, Any]:
    if part.annotations or part.logprobs:
        rec.drop(
            f"{path}.annotations",
            "Chat history has no annotations or log probabilities on text",
            "translate.content.annotations",
            lossy=False,
        )
    return {"type": "text", "text": part.text}


def _audio(part: InputAudio, path: str, rec: Recorder) -> dict[str, Any]:
    audio = part.input_audio
    return {"type": "input_audio", "input_audio": {"data": audio.data, "format": audio.format}}


_Converter = Callable[[Any, str, Recorder], "dict[str, Any] | None"]

# Dispatch on the exact class: isinstance() on pydantic models runs Python code per call.
_TO_CHAT: dict[type[Any], _Converter] = {
    InputText: _text,
    PlainText: _text,
    OutputText: _output_text,
    InputImage: _image,
    ComputerScreenshot: _image,
    InputFile: _file,
    InputAudio: _audio,
}
_ASSISTANT_TEXT: dict[type[Any], _Converter] = {
    OutputText: _output_text,
    InputText: _text,
    PlainText: _text,
}


def _no_chat_form(part: ContentPart, path: str, rec: Recorder, where: str = "") -> None:
    rec.drop(
        path,
        f"a {quoted(part.type)} content part has no Chat form{where}",
        "translate.content.part",
        part_type=part.type,
    )


def to_chat_content(
    content: str | list[ContentPart], path: str, field: str, rec: Recorder
) -> str | list[dict[str, Any]]:
    """User, system, developer and tool content: a string stays a string; parts map one by
    one (text, image_url with its detail, file, input_audio); the rest is dropped.

    ``content`` is ``field`` of the item at ``path`` (``input[3]``, ``"content"``); part
    paths are made only for notes, since most parts need none.
    """
    if isinstance(content, str):
        return content
    out = []
    for n, part in enumerate(content):
        kind = type(part)
        if kind is InputText:
            out.append({"type": "text", "text": part.text})  # type: ignore[union-attr]
            continue
        convert = _TO_CHAT.get(kind)
        if convert is None:
            _no_chat_form(part, f"{path}.{field}[{n}]", rec)
            continue
        converted = convert(part, f"{path}.{field}[{n}]", rec)
        if converted is not None:
            out.append(converted)
    return out


def to_chat_assistant_content(
    content: str | list[ContentPart], path: str, rec: Recorder
) -> tuple[str | list[dict[str, Any]] | None, str | None]:
    """Assistant history: text parts become Chat text parts, refusals the ``refusal`` field.
    ``path`` is the message's (``input[3]``)."""
    if isinstance(content, str):
        return content, None
    parts: list[dict[str, Any]] = []
    refusals: list[str] = []
    for n, part in enumerate(content):
        kind = type(part)
        if kind is OutputText and not (part.annotations or part.logprobs):  # type: ignore[union-attr]
            parts.append({"type": "text", "text": part.text})  # type: ignore[union-attr]
            continue
        convert = _ASSISTANT_TEXT.get(kind)
        if convert is not None:
            parts.append(convert(part, f"{path}.content[{n}]", rec))  # type: ignore[arg-type]
        elif kind is Refusal:
            refusals.append(part.refusal or "")  # type: ignore[union-attr]
        else:
            _no_chat_form(part, f"{path}.content[{n}]", rec, " in assistant history")
    return (parts or None), (PART_JOINER.join(refusals) if refusals else None)
