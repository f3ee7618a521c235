"""Responses API content parts: the pieces of a message, a reasoning item or a tool output.

One union, :data:`ContentPart`, covers every part type of both specs (input, output,
reasoning and summary parts alike), since providers put parts where the spec does not list
them and translation must carry them through whole.
"""

# Annotations stay objects (no `from __future__ import annotations`): pydantic would
# evaluate each string again when the classes are made, 5-8% of a cold start.

from typing import Annotated, Any, Literal

from pydantic import Field, Tag

from .._model import MembersOnDemand, TypeTagged, UnionParser, WireModel, by_json_kind, empty_list

__all__ = [
    "Annotation",
    "ComputerScreenshot",
    "ContainerFileCitation",
    "ContentPart",
    "EncryptedContent",
    "FileCitation",
    "FilePathAnnotation",
    "InputAudio",
    "InputAudioData",
    "InputFile",
    "InputImage",
    "InputText",
    "InputVideo",
    "LogProb",
    "OutputText",
    "PlainText",
    "ReasoningText",
    "Refusal",
    "SummaryText",
    "TextOrParts",
    "TopLogProb",
    "UnknownAnnotation",
    "UnknownContentPart",
    "UrlCitation",
    "parse_content_part",
]


# --- annotations on output text ---------------------------------------------------------


class FileCitation(WireModel):
    """A citation of a file the model read (file search)."""

    type: Literal["file_citation"] = "file_citation"
    file_id: str
    index: int | None = None  # required by the spec; tolerated missing like every `index`
    filename: str


class UrlCitation(WireModel):
    """A citation of a web page, spanning ``start_index`` to ``end_index`` of the text."""

    type: Literal["url_citation"] = "url_citation"
    url: str
    start_index: int
    end_index: int
    title: str


class ContainerFileCitation(WireModel):
    """A citation of a file in a code interpreter container."""

    type: Literal["container_file_citation"] = "container_file_citation"
    container_id: str
    file_id: str
    start_index: int
    end_index: int
    filename: str


class FilePathAnnotation(WireModel):
    """A path to a file the model produced (``type: "file_path"``)."""

    type: Literal["file_path"] = "file_path"
    file_id: str
    index: int | None = None  # required by the spec; tolerated missing like every `index`


class UnknownAnnotation(WireModel):
    """An annotation of a type wireshift does not know, kept whole."""

    type: str


Annotation = Annotated[
    FileCitation | UrlCitation | ContainerFileCitation | FilePathAnnotation | UnknownAnnotation,
    TypeTagged(),
]
"""Any annotation on ``output_text``, by its ``type``."""


# --- log probabilities ------------------------------------------------------------------


class TopLogProb(WireModel):
    """One of the most likely tokens at a position."""

    token: str
    logprob: int | float
    bytes: list[int]


class LogProb(WireModel):
    """The log probability of one output token, with the top alternatives."""

    token: str
    logprob: int | float
    bytes: list[int]
    top_logprobs: list[TopLogProb]


# --- input parts --------------------------------------------------------------------------


class InputText(WireModel):
    """Text given to the model."""

    type: Literal["input_text"] = "input_text"
    text: str
    prompt_cache_breakpoint: dict[str, Any] | None = None


class InputImage(WireModel):
    """An image given to the model, by URL (or data URL) or by uploaded file id."""

    type: Literal["input_image"] = "input_image"
    image_url: str | None = None
    file_id: str | None = None
    detail: str | None = None
    """``low``, ``high``, ``auto`` or ``original``; the server assumes ``auto`` when absent."""
    prompt_cache_breakpoint: dict[str, Any] | None = None


class InputFile(WireModel):
    """A file given to the model: inline base64 ``file_data``, a ``file_url`` or a ``file_id``."""

    type: Literal["input_file"] = "input_file"
    file_id: str | None = None
    filename: str | None = None
    file_data: str | None = None
    file_url: str | None = None
    detail: str | None = None
    """``auto``, ``low`` or ``high``."""
    prompt_cache_breakpoint: dict[str, Any] | None = None


class InputAudioData(WireModel):
    """Base64 audio and its ``format`` (``mp3``, ``wav``, ...)."""

    data: str
    format: str


class InputAudio(WireModel):
    """Audio given to the model (the Chat Completions part shape, also used by evals)."""

    type: Literal["input_audio"] = "input_audio"
    input_audio: InputAudioData


class InputVideo(WireModel):
    """A video given to the model (Open Responses): a URL or base64 data URL."""

    type: Literal["input_video"] = "input_video"
    video_url: str


# --- output parts --------------------------------------------------------------------------


class OutputText(WireModel):
    """Text the model wrote, with its citations and (when asked for) token log probabilities."""

    type: Literal["output_text"] = "output_text"
    text: str
    # Required by the spec, but providers and older clients leave them out.
    annotations: list[Annotation] = Field(default_factory=empty_list)
    logprobs: list[LogProb] = Field(default_factory=empty_list)


class Refusal(WireModel):
    """The model's explanation of why it declined."""

    type: Literal["refusal"] = "refusal"
    refusal: str | None = None  # required by the spec; tolerated missing (TOLERATED_OPTIONAL)


class ReasoningText(WireModel):
    """Raw reasoning text (a reasoning item's ``content``)."""

    type: Literal["reasoning_text"] = "reasoning_text"
    text: str


class SummaryText(WireModel):
    """A summary of the model's reasoning (a reasoning item's ``summary``)."""

    type: Literal["summary_text"] = "summary_text"
    text: str


class PlainText(WireModel):
    """A bare ``text`` part: Open Responses and stored conversation items use it."""

    type: Literal["text"] = "text"
    text: str


class ComputerScreenshot(WireModel):
    """A screenshot from a computer-use tool: a content part, and a computer call's output."""

    type: Literal["computer_screenshot"] = "computer_screenshot"
    image_url: str | None = None
    file_id: str | None = None
    detail: str | None = None
    prompt_cache_breakpoint: dict[str, Any] | None = None


class EncryptedContent(WireModel):
    """Opaque content only the provider can read (multi-agent messages, beta)."""

    type: Literal["encrypted_content"] = "encrypted_content"
    encrypted_content: str


class UnknownContentPart(WireModel):
    """A content part of a type wireshift does not know, kept whole."""

    type: str


ContentPart = Annotated[
    InputText
    | InputImage
    | InputFile
    | InputAudio
    | InputVideo
    | OutputText
    | Refusal
    | ReasoningText
    | SummaryText
    | PlainText
    | ComputerScreenshot
    | EncryptedContent
    | UnknownContentPart,
    TypeTagged(),
]
"""Any content part, by its ``type``; unknown types become :class:`UnknownContentPart`."""

_parser: UnionParser[ContentPart] = UnionParser(ContentPart, "ContentPart")
parse_content_part = _parser.parse


# Tagged rather than a plain union so that a bad part is reported at its own path
# (`content[0].text`), not as "content: Input should be a valid string".
TextOrParts = Annotated[
    Annotated[str, Tag("str")] | Annotated[list[ContentPart], MembersOnDemand(), Tag("list")],
    by_json_kind("str", "list"),
]
"""A message's content or a tool's output: a plain string, or a list of content parts."""
