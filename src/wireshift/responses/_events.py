"""Responses API stream events: what `/v1/responses` sends, one SSE `data:` payload each.

Covers every event of the OpenAI spec's ``ResponseStreamEvent`` union (the WebSocket server
events are the same payloads plus ``stream_id``), the Open Responses spec's extra names
(``response.reasoning.delta`` / ``.done``), and events real backends send outside both specs:
``keepalive`` (OpenAI and Azure on long requests) and ``codex.rate_limits`` (ChatGPT Codex
backend). Any other ``type`` parses into :class:`UnknownResponseEvent`, kept whole.

Ids and indexes that proxies leave out are optional (see ``TOLERATED_OPTIONAL`` in the tests);
each event's payload (``delta``, ``text``, ``item``, ``part``, ``response``...) is required.
"""

# Annotations stay objects (no `from __future__ import annotations`): pydantic would
# evaluate each string again when the classes are made, 5-8% of a cold start.

from typing import Annotated, Literal

from pydantic import Field

from .._model import TypeTagged, UnionParser, WireModel, empty_list, union_members

# Pydantic resolves field annotations at runtime, so these imports must stay real.
from ._content import Annotation, ContentPart
from ._item_union import Item
from ._response import Response
from ._shell_items import ShellOutputChunk

__all__ = [
    "KNOWN_RESPONSE_EVENT_TYPES",
    "CodexCredits",
    "CodexRateLimitWindow",
    "CodexRateLimits",
    "CodexRateLimitsEvent",
    "ErrorPayload",
    "ResponseAudioDeltaEvent",
    "ResponseAudioDoneEvent",
    "ResponseAudioTranscriptDeltaEvent",
    "ResponseAudioTranscriptDoneEvent",
    "ResponseCodeInterpreterCallCodeDeltaEvent",
    "ResponseCodeInterpreterCallCodeDoneEvent",
    "ResponseCodeInterpreterCallCompletedEvent",
    "ResponseCodeInterpreterCallInProgressEvent",
    "ResponseCodeInterpreterCallInterpretingEvent",
    "ResponseCompletedEvent",
    "ResponseContentPartAddedEvent",
    "ResponseContentPartDoneEvent",
    "ResponseCreatedEvent",
    "ResponseCustomToolCallInputDeltaEvent",
    "ResponseCustomToolCallInputDoneEvent",
    "ResponseErrorEvent",
    "ResponseFailedEvent",
    "ResponseFileSearchCallCompletedEvent",
    "ResponseFileSearchCallInProgressEvent",
    "ResponseFileSearchCallSearchingEvent",
    "ResponseFunctionCallArgumentsDeltaEvent",
    "ResponseFunctionCallArgumentsDoneEvent",
    "ResponseImageGenCallCompletedEvent",
    "ResponseImageGenCallGeneratingEvent",
    "ResponseImageGenCallInProgressEvent",
    "ResponseImageGenCallPartialImageEvent",
    "ResponseInProgressEvent",
    "ResponseIncompleteEvent",
    "ResponseKeepaliveEvent",
    "ResponseLogProb",
    "ResponseMCPCallArgumentsDeltaEvent",
    "ResponseMCPCallArgumentsDoneEvent",
    "ResponseMCPCallCompletedEvent",
    "ResponseMCPCallFailedEvent",
    "ResponseMCPCallInProgressEvent",
    "ResponseMCPListToolsCompletedEvent",
    "ResponseMCPListToolsFailedEvent",
    "ResponseMCPListToolsInProgressEvent",
    "ResponseOutputItemAddedEvent",
    "ResponseOutputItemDoneEvent",
    "ResponseOutputTextAnnotationAddedEvent",
    "ResponseQueuedEvent",
    "ResponseReasoningDeltaEvent",
    "ResponseReasoningDoneEvent",
    "ResponseReasoningSummaryPartAddedEvent",
    "ResponseReasoningSummaryPartDoneEvent",
    "ResponseReasoningSummaryTextDeltaEvent",
    "ResponseReasoningSummaryTextDoneEvent",
    "ResponseReasoningTextDeltaEvent",
    "ResponseReasoningTextDoneEvent",
    "ResponseRefusalDeltaEvent",
    "ResponseRefusalDoneEvent",
    "ResponseShellCallCommandAddedStreamingEvent",
    "ResponseShellCallCommandDeltaStreamingEvent",
    "ResponseShellCallCommandDoneStreamingEvent",
    "ResponseShellCallOutputContentDeltaStreamingEvent",
    "ResponseShellCallOutputContentDoneStreamingEvent",
    "ResponseStreamEvent",
    "ResponseTextDeltaEvent",
    "ResponseTextDoneEvent",
    "ResponseTopLogProb",
    "ResponseWebSearchCallCompletedEvent",
    "ResponseWebSearchCallInProgressEvent",
    "ResponseWebSearchCallSearchingEvent",
    "ShellCallOutputDelta",
    "UnknownResponseEvent",
    "parse_response_event",
]


# --- shared shapes -------------------------------------------------------------------------
# Each base declares `type: str` first so that every event dumps with `type` leading; the
# concrete classes narrow it to their Literal tag.


class _StreamEvent(WireModel):
    type: str
    sequence_number: int | None = None
    # Set on WebSocket server events when the `response.create` named a stream lane.
    stream_id: str | None = None


class _OutputEvent(_StreamEvent):
    output_index: int | None = None


class _ItemEvent(_OutputEvent):
    item_id: str | None = None


class _ContentEvent(_ItemEvent):
    content_index: int | None = None


class _SummaryEvent(_ItemEvent):
    summary_index: int | None = None


class _LifecycleEvent(_StreamEvent):
    response: Response


class _OutputItemEvent(_OutputEvent):
    item: Item


class _ContentPartEvent(_ContentEvent):
    part: ContentPart


class _ShellCommandEvent(_OutputEvent):
    command_index: int


class ResponseTopLogProb(WireModel):
    """One alternative token in ``ResponseLogProb.top_logprobs``."""

    token: str | None = None
    logprob: int | float | None = None
    bytes: list[int] | None = None


class ResponseLogProb(WireModel):
    """The log probability of one token in a text delta (OpenAI ``ResponseLogProb``; Open
    Responses ``LogProb`` adds ``bytes``)."""

    token: str
    logprob: int | float
    bytes: list[int] | None = None
    top_logprobs: list[ResponseTopLogProb] | None = None


class ErrorPayload(WireModel):
    """The error object an ``error`` event may nest (Open Responses, WebSocket mode, and
    OpenAI itself for some mid-stream failures).

    Every field is optional although the specs require ``type``, ``code``, ``message`` and
    ``param``: an error that fails to parse loses its cause, which is worse than a partial one.
    ``type`` is the error class (``invalid_request_error``, ``insufficient_quota``...), not a tag.
    """

    type: str | None = None
    code: str | None = None
    message: str | None = None
    param: str | None = None
    headers: dict[str, str] | None = None


class ShellCallOutputDelta(WireModel):
    """Output a running shell call printed since the last delta."""

    stdout: str | None = None
    stderr: str | None = None


# --- lifecycle ---------------------------------------------------------------------------


class ResponseQueuedEvent(_LifecycleEvent):
    """The response is queued and waiting to start (background mode)."""

    type: Literal["response.queued"] = "response.queued"


class ResponseCreatedEvent(_LifecycleEvent):
    """The response was created: the first event of a stream."""

    type: Literal["response.created"] = "response.created"


class ResponseInProgressEvent(_LifecycleEvent):
    """The response is being generated."""

    type: Literal["response.in_progress"] = "response.in_progress"


class ResponseCompletedEvent(_LifecycleEvent):
    """The response finished: it carries the final response."""

    type: Literal["response.completed"] = "response.completed"


class ResponseFailedEvent(_LifecycleEvent):
    """The response failed; the cause is in ``response.error``.

    Some backends leave ``response.error`` null and put the cause in a top-level ``error``
    next to ``response`` instead, so that field is declared too.
    """

    type: Literal["response.failed"] = "response.failed"
    error: ErrorPayload | None = None


class ResponseIncompleteEvent(_LifecycleEvent):
    """The response stopped early; the reason is in ``response.incomplete_details``."""

    type: Literal["response.incomplete"] = "response.incomplete"


class ResponseErrorEvent(_StreamEvent):
    """A stream error.

    The OpenAI spec puts ``code``, ``message`` and ``param`` on the event; Open Responses,
    WebSocket mode and some OpenAI failures nest them in ``error`` instead. Both forms parse;
    :attr:`error_message` and :attr:`error_code` read whichever is there.
    """

    type: Literal["error"] = "error"
    code: str | None = None
    message: str | None = None
    param: str | None = None
    error: ErrorPayload | None = None
    # WebSocket mode: the HTTP status the error stands for.
    status: int | None = None

    @property
    def error_message(self) -> str | None:
        """The top-level ``message``, else the nested ``error.message``."""
        if self.message is not None:
            return self.message
        return self.error.message if self.error is not None else None

    @property
    def error_code(self) -> str | None:
        """The top-level ``code``, else the nested ``error.code``."""
        if self.code is not None:
            return self.code
        return self.error.code if self.error is not None else None


# --- output items and content parts ------------------------------------------------------


class ResponseOutputItemAddedEvent(_OutputItemEvent):
    """An output item started; deltas for it follow."""

    type: Literal["response.output_item.added"] = "response.output_item.added"


class ResponseOutputItemDoneEvent(_OutputItemEvent):
    """An output item is finished and carried whole (Codex builds items only from these)."""

    type: Literal["response.output_item.done"] = "response.output_item.done"


class ResponseContentPartAddedEvent(_ContentPartEvent):
    """A content part of a message started."""

    type: Literal["response.content_part.added"] = "response.content_part.added"


class ResponseContentPartDoneEvent(_ContentPartEvent):
    """A content part of a message is finished."""

    type: Literal["response.content_part.done"] = "response.content_part.done"


# --- output text and refusals ------------------------------------------------------------


class ResponseTextDeltaEvent(_ContentEvent):
    """More output text."""

    type: Literal["response.output_text.delta"] = "response.output_text.delta"
    delta: str
    logprobs: list[ResponseLogProb] = Field(default_factory=empty_list)
    obfuscation: str | None = None


class ResponseTextDoneEvent(_ContentEvent):
    """An output text part is finished: its full text."""

    type: Literal["response.output_text.done"] = "response.output_text.done"
    text: str
    logprobs: list[ResponseLogProb] = Field(default_factory=empty_list)


class ResponseOutputTextAnnotationAddedEvent(_ContentEvent):
    """An annotation (citation, file path) was added to output text."""

    type: Literal["response.output_text.annotation.added"] = "response.output_text.annotation.added"
    annotation_index: int
    annotation: Annotation | None


class ResponseRefusalDeltaEvent(_ContentEvent):
    """More refusal text."""

    type: Literal["response.refusal.delta"] = "response.refusal.delta"
    delta: str


class ResponseRefusalDoneEvent(_ContentEvent):
    """A refusal is finished: its full text."""

    type: Literal["response.refusal.done"] = "response.refusal.done"
    refusal: str


# --- function and custom tool calls ------------------------------------------------------


class ResponseFunctionCallArgumentsDeltaEvent(_ItemEvent):
    """More function-call arguments (a piece of a JSON string)."""

    type: Literal["response.function_call_arguments.delta"] = (
        "response.function_call_arguments.delta"
    )
    delta: str
    obfuscation: str | None = None


class ResponseFunctionCallArgumentsDoneEvent(_ItemEvent):
    """Function-call arguments are finished: the full JSON string.

    ``name`` is optional: Open Responses does not send it, and neither does OpenAI always.
    """

    type: Literal["response.function_call_arguments.done"] = "response.function_call_arguments.done"
    arguments: str
    name: str | None = None


class ResponseCustomToolCallInputDeltaEvent(_ItemEvent):
    """More free-form input for a custom tool call."""

    type: Literal["response.custom_tool_call_input.delta"] = "response.custom_tool_call_input.delta"
    delta: str


class ResponseCustomToolCallInputDoneEvent(_ItemEvent):
    """Custom tool call input is finished: the full input."""

    type: Literal["response.custom_tool_call_input.done"] = "response.custom_tool_call_input.done"
    input: str


# --- reasoning ---------------------------------------------------------------------------


class ResponseReasoningSummaryPartAddedEvent(_SummaryEvent):
    """A reasoning summary part started (``part`` is a ``summary_text`` part)."""

    type: Literal["response.reasoning_summary_part.added"] = "response.reasoning_summary_part.added"
    part: ContentPart


class ResponseReasoningSummaryPartDoneEvent(_SummaryEvent):
    """A reasoning summary part is finished."""

    type: Literal["response.reasoning_summary_part.done"] = "response.reasoning_summary_part.done"
    part: ContentPart
    # Absent when the part completed normally; "incomplete" when generation was cut.
    status: str | None = None


class ResponseReasoningSummaryTextDeltaEvent(_SummaryEvent):
    """More reasoning summary text."""

    type: Literal["response.reasoning_summary_text.delta"] = "response.reasoning_summary_text.delta"
    delta: str
    obfuscation: str | None = None


class ResponseReasoningSummaryTextDoneEvent(_SummaryEvent):
    """A reasoning summary text is finished: its full text."""

    type: Literal["response.reasoning_summary_text.done"] = "response.reasoning_summary_text.done"
    text: str


class ResponseReasoningTextDeltaEvent(_ContentEvent):
    """More raw reasoning text (OpenAI name; Open Responses says ``response.reasoning.delta``)."""

    type: Literal["response.reasoning_text.delta"] = "response.reasoning_text.delta"
    delta: str


class ResponseReasoningTextDoneEvent(_ContentEvent):
    """Raw reasoning text is finished (OpenAI name; Open Responses: ``response.reasoning.done``)."""

    type: Literal["response.reasoning_text.done"] = "response.reasoning_text.done"
    text: str


class ResponseReasoningDeltaEvent(_ContentEvent):
    """More raw reasoning text (Open Responses name of ``response.reasoning_text.delta``)."""

    type: Literal["response.reasoning.delta"] = "response.reasoning.delta"
    delta: str
    obfuscation: str | None = None


class ResponseReasoningDoneEvent(_ContentEvent):
    """Raw reasoning text is finished (Open Responses name of ``response.reasoning_text.done``)."""

    type: Literal["response.reasoning.done"] = "response.reasoning.done"
    text: str


# --- audio -------------------------------------------------------------------------------


class ResponseAudioDeltaEvent(_StreamEvent):
    """More output audio (base64)."""

    type: Literal["response.audio.delta"] = "response.audio.delta"
    delta: str


class ResponseAudioDoneEvent(_StreamEvent):
    """Output audio is finished."""

    type: Literal["response.audio.done"] = "response.audio.done"
    # The spec lists `response_id` as required but never defines it: optional here.
    response_id: str | None = None


class ResponseAudioTranscriptDeltaEvent(_StreamEvent):
    """More transcript of the output audio."""

    type: Literal["response.audio.transcript.delta"] = "response.audio.transcript.delta"
    delta: str
    response_id: str | None = None


class ResponseAudioTranscriptDoneEvent(_StreamEvent):
    """The output audio transcript is finished."""

    type: Literal["response.audio.transcript.done"] = "response.audio.transcript.done"
    response_id: str | None = None


# --- hosted tools: progress events that carry only the item's position --------------------


class ResponseFileSearchCallInProgressEvent(_ItemEvent):
    type: Literal["response.file_search_call.in_progress"] = "response.file_search_call.in_progress"


class ResponseFileSearchCallSearchingEvent(_ItemEvent):
    type: Literal["response.file_search_call.searching"] = "response.file_search_call.searching"


class ResponseFileSearchCallCompletedEvent(_ItemEvent):
    type: Literal["response.file_search_call.completed"] = "response.file_search_call.completed"


class ResponseWebSearchCallInProgressEvent(_ItemEvent):
    type: Literal["response.web_search_call.in_progress"] = "response.web_search_call.in_progress"


class ResponseWebSearchCallSearchingEvent(_ItemEvent):
    type: Literal["response.web_search_call.searching"] = "response.web_search_call.searching"


class ResponseWebSearchCallCompletedEvent(_ItemEvent):
    type: Literal["response.web_search_call.completed"] = "response.web_search_call.completed"


class ResponseCodeInterpreterCallInProgressEvent(_ItemEvent):
    type: Literal["response.code_interpreter_call.in_progress"] = (
        "response.code_interpreter_call.in_progress"
    )


class ResponseCodeInterpreterCallInterpretingEvent(_ItemEvent):
    type: Literal["response.code_interpreter_call.interpreting"] = (
        "response.code_interpreter_call.interpreting"
    )


class ResponseCodeInterpreterCallCompletedEvent(_ItemEvent):
    type: Literal["response.code_interpreter_call.completed"] = (
        "response.code_interpreter_call.completed"
    )


class ResponseCodeInterpreterCallCodeDeltaEvent(_ItemEvent):
    """More code for a code interpreter call."""

    type: Literal["response.code_interpreter_call_code.delta"] = (
        "response.code_interpreter_call_code.delta"
    )
    delta: str


class ResponseCodeInterpreterCallCodeDoneEvent(_ItemEvent):
    """The code of a code interpreter call is finished."""

    type: Literal["response.code_interpreter_call_code.done"] = (
        "response.code_interpreter_call_code.done"
    )
    code: str


class ResponseImageGenCallInProgressEvent(_ItemEvent):
    type: Literal["response.image_generation_call.in_progress"] = (
        "response.image_generation_call.in_progress"
    )


class ResponseImageGenCallGeneratingEvent(_ItemEvent):
    type: Literal["response.image_generation_call.generating"] = (
        "response.image_generation_call.generating"
    )


class ResponseImageGenCallCompletedEvent(_ItemEvent):
    type: Literal["response.image_generation_call.completed"] = (
        "response.image_generation_call.completed"
    )


class ResponseImageGenCallPartialImageEvent(_ItemEvent):
    """A partial image while an image generation call runs."""

    type: Literal["response.image_generation_call.partial_image"] = (
        "response.image_generation_call.partial_image"
    )
    partial_image_index: int
    partial_image_b64: str
    size: str | None = None
    quality: str | None = None
    background: str | None = None
    output_format: str | None = None


class ResponseMCPCallInProgressEvent(_ItemEvent):
    type: Literal["response.mcp_call.in_progress"] = "response.mcp_call.in_progress"


class ResponseMCPCallCompletedEvent(_ItemEvent):
    type: Literal["response.mcp_call.completed"] = "response.mcp_call.completed"


class ResponseMCPCallFailedEvent(_ItemEvent):
    type: Literal["response.mcp_call.failed"] = "response.mcp_call.failed"


class ResponseMCPCallArgumentsDeltaEvent(_ItemEvent):
    """More arguments for an MCP tool call."""

    type: Literal["response.mcp_call_arguments.delta"] = "response.mcp_call_arguments.delta"
    delta: str


class ResponseMCPCallArgumentsDoneEvent(_ItemEvent):
    """The arguments of an MCP tool call are finished."""

    type: Literal["response.mcp_call_arguments.done"] = "response.mcp_call_arguments.done"
    arguments: str


class ResponseMCPListToolsInProgressEvent(_ItemEvent):
    type: Literal["response.mcp_list_tools.in_progress"] = "response.mcp_list_tools.in_progress"


class ResponseMCPListToolsCompletedEvent(_ItemEvent):
    type: Literal["response.mcp_list_tools.completed"] = "response.mcp_list_tools.completed"


class ResponseMCPListToolsFailedEvent(_ItemEvent):
    type: Literal["response.mcp_list_tools.failed"] = "response.mcp_list_tools.failed"


# --- hosted shell ------------------------------------------------------------------------


class ResponseShellCallCommandAddedStreamingEvent(_ShellCommandEvent):
    """A shell call gained a command."""

    type: Literal["response.shell_call_command.added"] = "response.shell_call_command.added"
    command: str


class ResponseShellCallCommandDeltaStreamingEvent(_ShellCommandEvent):
    """More text of a shell command."""

    type: Literal["response.shell_call_command.delta"] = "response.shell_call_command.delta"
    delta: str
    obfuscation: str | None = None


class ResponseShellCallCommandDoneStreamingEvent(_ShellCommandEvent):
    """A shell command is finished: its full text."""

    type: Literal["response.shell_call_command.done"] = "response.shell_call_command.done"
    command: str


class ResponseShellCallOutputContentDeltaStreamingEvent(_ShellCommandEvent):
    """More stdout/stderr from a running shell command."""

    type: Literal["response.shell_call_output_content.delta"] = (
        "response.shell_call_output_content.delta"
    )
    item_id: str | None = None
    delta: ShellCallOutputDelta


class ResponseShellCallOutputContentDoneStreamingEvent(_ShellCommandEvent):
    """A shell command's output is finished."""

    type: Literal["response.shell_call_output_content.done"] = (
        "response.shell_call_output_content.done"
    )
    item_id: str | None = None
    output: list[ShellOutputChunk] = Field(default_factory=empty_list)


# --- outside the specs -------------------------------------------------------------------


class ResponseKeepaliveEvent(_StreamEvent):
    """A heartbeat on long requests (OpenAI, Azure): ``{"type": "keepalive",
    "sequence_number": n}``. Undocumented; carries no response state."""

    type: Literal["keepalive"] = "keepalive"


class CodexRateLimitWindow(WireModel):
    """One usage window of a ChatGPT plan (e.g. 300 minutes, 10080 minutes)."""

    used_percent: int | float | None = None
    window_minutes: int | None = None
    # Unix seconds.
    reset_at: int | None = None


class CodexRateLimits(WireModel):
    primary: CodexRateLimitWindow | None = None
    secondary: CodexRateLimitWindow | None = None


class CodexCredits(WireModel):
    has_credits: bool | None = None
    unlimited: bool | None = None
    balance: str | None = None


class CodexRateLimitsEvent(WireModel):
    """Plan usage the ChatGPT Codex backend sends in the stream, before the content.

    Not a Responses API event: clients other than Codex do not expect it.
    """

    type: Literal["codex.rate_limits"] = "codex.rate_limits"
    # Known values: free, plus, pro, team, business, enterprise, edu.
    plan_type: str | None = None
    rate_limits: CodexRateLimits | None = None
    credits: CodexCredits | None = None
    metered_limit_name: str | None = None
    limit_name: str | None = None


class UnknownResponseEvent(WireModel):
    """A stream event of a type wireshift does not know, kept whole."""

    type: str


ResponseStreamEvent = Annotated[
    ResponseQueuedEvent
    | ResponseCreatedEvent
    | ResponseInProgressEvent
    | ResponseCompletedEvent
    | ResponseFailedEvent
    | ResponseIncompleteEvent
    | ResponseErrorEvent
    | ResponseOutputItemAddedEvent
    | ResponseOutputItemDoneEvent
    | ResponseContentPartAddedEvent
    | ResponseContentPartDoneEvent
    | ResponseTextDeltaEvent
    | ResponseTextDoneEvent
    | ResponseOutputTextAnnotationAddedEvent
    | ResponseRefusalDeltaEvent
    | ResponseRefusalDoneEvent
    | ResponseFunctionCallArgumentsDeltaEvent
    | ResponseFunctionCallArgumentsDoneEvent
    | ResponseCustomToolCallInputDeltaEvent
    | ResponseCustomToolCallInputDoneEvent
    | ResponseReasoningSummaryPartAddedEvent
    | ResponseReasoningSummaryPartDoneEvent
    | ResponseReasoningSummaryTextDeltaEvent
    | ResponseReasoningSummaryTextDoneEvent
    | ResponseReasoningTextDeltaEvent
    | ResponseReasoningTextDoneEvent
    | ResponseReasoningDeltaEvent
    | ResponseReasoningDoneEvent
    | ResponseAudioDeltaEvent
    | ResponseAudioDoneEvent
    | ResponseAudioTranscriptDeltaEvent
    | ResponseAudioTranscriptDoneEvent
    | ResponseFileSearchCallInProgressEvent
    | ResponseFileSearchCallSearchingEvent
    | ResponseFileSearchCallCompletedEvent
    | ResponseWebSearchCallInProgressEvent
    | ResponseWebSearchCallSearchingEvent
    | ResponseWebSearchCallCompletedEvent
    | ResponseCodeInterpreterCallInProgressEvent
    | ResponseCodeInterpreterCallInterpretingEvent
    | ResponseCodeInterpreterCallCompletedEvent
    | ResponseCodeInterpreterCallCodeDeltaEvent
    | ResponseCodeInterpreterCallCodeDoneEvent
    | ResponseImageGenCallInProgressEvent
    | ResponseImageGenCallGeneratingEvent
    | ResponseImageGenCallCompletedEvent
    | ResponseImageGenCallPartialImageEvent
    | ResponseMCPCallInProgressEvent
    | ResponseMCPCallCompletedEvent
    | ResponseMCPCallFailedEvent
    | ResponseMCPCallArgumentsDeltaEvent
    | ResponseMCPCallArgumentsDoneEvent
    | ResponseMCPListToolsInProgressEvent
    | ResponseMCPListToolsCompletedEvent
    | ResponseMCPListToolsFailedEvent
    | ResponseShellCallCommandAddedStreamingEvent
    | ResponseShellCallCommandDeltaStreamingEvent
    | ResponseShellCallCommandDoneStreamingEvent
    | ResponseShellCallOutputContentDeltaStreamingEvent
    | ResponseShellCallOutputContentDoneStreamingEvent
    | ResponseKeepaliveEvent
    | CodexRateLimitsEvent
    | UnknownResponseEvent,
    TypeTagged(),
]
"""Any Responses stream event, tagged by ``type``; unknown types parse into
:class:`UnknownResponseEvent`."""

KNOWN_RESPONSE_EVENT_TYPES: frozenset[str] = frozenset(union_members(ResponseStreamEvent)[0])
"""Every event ``type`` wireshift models (everything else is an :class:`UnknownResponseEvent`)."""

_parser: UnionParser[ResponseStreamEvent] = UnionParser(ResponseStreamEvent, "ResponseStreamEvent")
parse_response_event = _parser.parse
"""Parse one stream event (JSON bytes or text of an SSE ``data:`` line, a mapping, or a model)."""
