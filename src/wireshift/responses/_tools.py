"""Responses API tools (the request's ``tools`` list) and ``tool_choice``.

Every member of the spec's ``Tool`` union has its class; a tool of a type wireshift does not
know parses into :class:`UnknownTool` with all its fields. ``tool_choice`` is a string
(``none``/``auto``/``required``) or one of the objects in :data:`SpecificToolChoice`.

Where the OpenAI and Open Responses specs describe the same ``type`` with several schemas
(``FunctionTool`` for responses, ``FunctionToolParam`` inside namespaces and requests), one
class covers them all, and a property is required only when every one of those schemas
requires it.
"""

# Annotations stay objects (no `from __future__ import annotations`): pydantic would
# evaluate each string again when the classes are made, 5-8% of a cold start.

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias, Union

from pydantic import Tag

from .._model import MembersOnDemand, TypeTagged, UnionParser, WireModel, by_json_kind

__all__ = [
    "CustomTextFormat",
    "CustomTool",
    "CustomToolFormat",
    "CustomToolGrammarFormat",
    "FunctionTool",
    "NamespaceMember",
    "NamespaceTool",
    "ToolChoice",
    "UnknownCustomToolFormat",
    "UnknownTool",
    "UnknownToolChoice",
    "WebSearchFilters",
    "WebSearchLocation",
    "WebSearchPreviewTool",
    "WebSearchTool",
    "parse_tool",
]


# --- tools ------------------------------------------------------------------------------


class UnknownTool(WireModel):
    """A tool of a type wireshift does not know, kept whole."""

    type: str


class FunctionTool(WireModel):
    """A function in the caller's code the model may call.

    The spec's response-side ``FunctionTool`` requires ``parameters`` and ``strict`` (nullable),
    but request bodies and namespace members may leave them out, so both are optional here.
    """

    type: Literal["function"] = "function"
    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None
    output_schema: dict[str, Any] | None = None
    defer_loading: bool | None = None
    allowed_callers: list[str] | None = None
    """Contexts that may invoke the tool: ``direct``, ``programmatic``."""


class WebSearchFilters(WireModel):
    """Limits on where a web search may look."""

    allowed_domains: list[str] | None = None


class WebSearchLocation(WireModel):
    """The user's approximate location, to localise search results."""

    type: str | None = None
    """Always ``approximate`` so far."""
    country: str | None = None
    region: str | None = None
    city: str | None = None
    timezone: str | None = None


class WebSearchTool(WireModel):
    """Hosted web search (``web_search`` or its dated variant)."""

    type: Literal["web_search", "web_search_2025_08_26"] = "web_search"
    external_web_access: bool | None = None
    filters: WebSearchFilters | None = None
    user_location: WebSearchLocation | None = None
    search_context_size: str | None = None
    """``low``, ``medium`` or ``high``."""


class CustomTextFormat(WireModel):
    """Free-form text input for a custom tool."""

    type: Literal["text"] = "text"


class CustomToolGrammarFormat(WireModel):
    """Custom tool input constrained by a grammar (Codex's ``apply_patch`` uses Lark)."""

    type: Literal["grammar"] = "grammar"
    syntax: str
    """``lark`` or ``regex``."""
    definition: str


class UnknownCustomToolFormat(WireModel):
    """A custom tool input format wireshift does not know, kept whole."""

    type: str


CustomToolFormat = Annotated[
    CustomTextFormat | CustomToolGrammarFormat | UnknownCustomToolFormat, TypeTagged()
]


class CustomTool(WireModel):
    """A tool whose input is free text (or text in a grammar) rather than JSON arguments."""

    type: Literal["custom"] = "custom"
    name: str
    description: str | None = None
    format: CustomToolFormat | None = None
    """Unconstrained text when absent."""
    defer_loading: bool | None = None
    allowed_callers: list[str] | None = None


NamespaceMember = Annotated[FunctionTool | CustomTool | UnknownTool, TypeTagged()]
"""A tool inside a namespace: function or custom (others kept whole)."""


class NamespaceTool(WireModel):
    """Function and custom tools grouped under one name; the model calls them as
    ``namespace`` + ``name`` (Codex puts MCP and sub-agent tools here)."""

    type: Literal["namespace"] = "namespace"
    name: str
    description: str
    tools: Annotated[list[NamespaceMember], MembersOnDemand()]


class WebSearchPreviewTool(WireModel):
    """Hosted web search, preview version (``web_search_preview`` or its dated variant)."""

    type: Literal["web_search_preview", "web_search_preview_2025_03_11"] = "web_search_preview"
    user_location: WebSearchLocation | None = None
    search_context_size: str | None = None
    """``low``, ``medium`` or ``high``."""
    search_content_types: list[str] | None = None
    """``text``, ``image``."""


KINDS = (
    FunctionTool,
    WebSearchTool,
    CustomTool,
    NamespaceTool,
    WebSearchPreviewTool,
    UnknownTool,
)
"""The members of :data:`~wireshift.responses.Tool` this module holds, the fallback last;
the others are in ``_hosted_tools``."""

if TYPE_CHECKING:
    from ._tool_union import Tool

    ToolList = list[Tool]
else:
    ToolList = MembersOnDemand.list_of(TypeTagged(), KINDS, "wireshift.responses._hosted_tools")
"""A request's ``tools`` list: ``list[Tool]``, validated with validators of only the kinds
it holds (the hosted kinds' module loads the first time one shows up)."""


# The union holds the hosted kinds too: they load with the first tool parsed.
_parser: UnionParser["Tool"] = UnionParser("wireshift.responses._tool_union:Tool", "Tool")
parse_tool = _parser.parse


# --- tool_choice ------------------------------------------------------------------------


class UnknownToolChoice(WireModel):
    """A tool_choice object of a type wireshift does not know, kept whole."""

    type: str


if TYPE_CHECKING:
    from ._tool_choices import SpecificToolChoice

    ToolChoice: TypeAlias = Union[str, SpecificToolChoice]  # noqa: UP007
else:
    # The object forms other than the fallback live in `_tool_choices`, loaded the first time
    # a request names one (most send a string).
    _SpecificOnDemand = Annotated[
        UnknownToolChoice,
        TypeTagged(on_demand=True, more="wireshift.responses._tool_choices"),
    ]
    ToolChoice = Annotated[
        Annotated[str, Tag("str")] | Annotated[_SpecificOnDemand, Tag("dict")],
        by_json_kind("str", "dict"),
    ]
"""``tool_choice``: ``"none"``, ``"auto"``, ``"required"`` (kept as any string, since
providers add values), or one of the :data:`SpecificToolChoice` objects."""
