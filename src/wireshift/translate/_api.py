"""``translate_request`` and ``normalize_request``: the entry points."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .._boundary import boundary, callers_own
from .._compaction import (
    SUMMARY_INSTRUCTIONS,
    compaction_key as checked_key,
    open_summary,
    summary_message,
)
from .._errors import (
    ArgumentTypeError,
    CompactionError,
    MissingContextError,
    WireshiftError,
    quoted,
)
from .._format import Format, check_format
from .._json import DEFAULT_MAX_DEPTH, check_depth, check_max_depth, dump_json, load_json
from .._model import JSONInput, WireModel
from .._profiles import Profile, get_profile
from .._toolnames import ToolNameMap
from ..responses._items import Message, parse_item
from ..responses._request import ConversationReference, ResponsesRequest
from ._context import Recorder
from ._input_chunks import InputChunks
from ._normalize import normalize_chat, normalize_responses
from ._request_to_chat import Segment, responses_to_chat
from ._result import TranslatedRequest

if TYPE_CHECKING:
    from .._store import PendingResponse, ResponseStore
    from ..responses._item_union import Item

__all__ = ["ItemResolver", "normalize_request", "translate_request"]


ItemResolver = Callable[[str], Iterable[Any]]
"""Gives the items a ``previous_response_id`` (or ``conversation`` id) stands for: the
earlier input and output items, oldest first, as dicts or models."""


def _dump(model: BaseModel) -> Any:
    if isinstance(model, WireModel):
        return model.to_dict()
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _read(body: JSONInput, max_depth: int) -> tuple[WireModel | None, Any]:
    """A wireshift request model as it is, or else the body's JSON data (depth checked)."""
    if isinstance(body, ResponsesRequest):
        return body, None
    chat_models = sys.modules.get("wireshift.chat._request")
    if chat_models is not None and isinstance(body, chat_models.ChatCompletionRequest):
        # Loaded only once a chat request is met (a Responses -> chat gateway never pays
        # for its models): a body of that class means the module is in already.
        return body, None
    data: Any
    if isinstance(body, (bytes, bytearray, str)):
        # json.loads and then validation beats validate_json here (measured): the
        # tagged unions' discriminators need Python objects anyway.
        return None, load_json(body, what="request body", max_depth=max_depth)
    if isinstance(body, BaseModel):
        data = _dump(body)
    elif isinstance(body, Mapping):
        data = dict(body)
        for key in ("messages", "input"):
            entries = data.get(key)
            if isinstance(entries, list) and any(type(e) is not dict for e in entries):
                # Histories built with the openai SDK hold its models (a reply's message).
                data[key] = [_dump(e) if isinstance(e, BaseModel) else e for e in entries]
    else:
        raise ArgumentTypeError(
            f"a request body is bytes, str, a mapping or a model, not {type(body).__name__}",
            argument="body",
        )
    check_depth(data, what="request body", max_depth=max_depth)
    return None, data


def _load(
    given: WireModel | None, data: Any, rec: Recorder
) -> tuple[Format, WireModel, dict[str, Any] | None]:
    """The body's format, its validated model, and its JSON data when already at hand."""
    if given is not None:
        return ("responses" if isinstance(given, ResponsesRequest) else "chat"), given, None
    if isinstance(data, dict) and "messages" in data:
        from ..chat._request import ChatCompletionRequest

        return "chat", ChatCompletionRequest.parse(data), data
    if isinstance(data, dict) and isinstance(data.get("tools"), list):
        data = _responses_tools(data, rec)
    return "responses", ResponsesRequest.parse(data), data


def _responses_tools(data: dict[str, Any], rec: Recorder) -> dict[str, Any]:
    """A Responses body whose function tools came in the Chat form (``{"type": "function",
    "function": {...}}``, as Codex and the Agents SDK have sent), with them in the Responses
    form, noted."""
    tools = data["tools"]
    lifted: list[Any] | None = None
    for n, tool in enumerate(tools):
        if (
            isinstance(tool, dict)
            and tool.get("type") == "function"
            and "name" not in tool
            and isinstance(tool.get("function"), dict)
        ):
            flat = {k: v for k, v in tool.items() if k != "function"}
            lifted = lifted or list(tools)
            lifted[n] = {**flat, **tool["function"]}
            rec.change(
                f"tools[{n}]",
                "a function tool in the Chat form, read as the Responses form",
                "translate.tools.chat_form",
            )
    return data if lifted is None else {**data, "tools": lifted}


def _history(
    req: ResponsesRequest,
    previous_items: Iterable[Any] | None,
    resolver: ItemResolver | None,
    rec: Recorder,
    chunks: InputChunks | None = None,
) -> list[Segment]:
    """The items to translate: ``input`` (or ``chunks``, the input read a chunk at a time),
    after the earlier items that ``previous_response_id`` or ``conversation`` stands for."""
    given = req.input
    current: list[Item] | InputChunks
    if chunks is not None:
        current = chunks
    elif isinstance(given, str):
        current = [Message(role="user", content=given)]
    else:
        current = list(given or ())
    segments: list[Segment] = [("input", current)]
    conversation = req.conversation
    if isinstance(conversation, ConversationReference):
        conversation = conversation.id
    ref, field = (
        (req.previous_response_id, "previous_response_id")
        if req.previous_response_id is not None
        else (conversation, "conversation")
    )
    if ref is None:
        return segments
    if previous_items is None and resolver is None:
        raise MissingContextError(
            f"{field} {quoted(ref)} stands for earlier items kept on the server, and wireshift is "
            "stateless: pass previous_items= (the earlier input and output items) or "
            "resolver= (a function from the id to those items)",
            path=field,
        )
    if previous_items is not None:
        earlier = previous_items
    else:
        try:
            earlier = resolver(ref)  # type: ignore[misc]
        except LookupError as exc:
            raise MissingContextError(
                f"{field} {quoted(ref)}: the resolver found no items for it ({quoted(exc, 120)})",
                path=field,
            ) from exc
        except Exception as exc:
            callers_own(exc)
            raise
    parsed = [parse_item(item) for item in earlier]
    rec.change(
        field,
        f"replaced by the {len(parsed)} earlier items given, sent first",
        "translate.previous_items",
        count=len(parsed),
    )
    segments.insert(0, ("previous_items", parsed))
    return segments


def _store_resolver(store: ResponseStore, req: ResponsesRequest) -> ItemResolver:
    """The items an id stands for, read from ``store``: a response id's chain, or for a
    ``conversation`` its latest turn's (none yet: a new conversation)."""

    from .._store import stored_history  # loaded with a store: most gateways keep none

    def resolve(ref: str) -> list[dict[str, Any]]:
        if req.previous_response_id is not None:
            return stored_history(store, ref, "previous_response_id")
        latest = store.latest(ref)
        return [] if latest is None else stored_history(store, latest, "conversation")

    return resolve


def _from_store(
    store: ResponseStore | None,
    req: WireModel,
    resolver: ItemResolver | None,
    previous_items: Iterable[Any] | None,
) -> tuple[ItemResolver | None, PendingResponse | None]:
    """With a store: the resolver of earlier items (unless the caller gave them), and the
    turn to record once the response is finished (none when the client said ``store:
    false``)."""
    if store is None or not isinstance(req, ResponsesRequest):
        return resolver, None
    from .._store import PendingResponse

    if previous_items is None and resolver is None:
        resolver = _store_resolver(store, req)
    if req.store is False:
        return resolver, None
    given = req.input
    if isinstance(given, str):
        items: list[Any] = [{"type": "message", "role": "user", "content": given}]
    else:
        items = [item.to_dict() for item in given or ()]
    conversation = req.conversation
    if isinstance(conversation, ConversationReference):
        conversation = conversation.id
    turn = PendingResponse(
        store, items, previous_response_id=req.previous_response_id, conversation=conversation
    )
    return resolver, turn


_COMPACTION_TYPES = frozenset({"compaction", "compaction_trigger"})


def _compaction(
    req: ResponsesRequest, key: bytes | None, compact: bool, rec: Recorder
) -> tuple[ResponsesRequest, bool]:
    """The request with its compaction items read for a chat backend, and whether it asks
    for a compaction (a trigger item, or ``compact=True`` for ``/responses/compact``).

    A ``compaction`` item becomes the summary it seals; a trigger turns the request into a
    summarizing one: the history, then :data:`SUMMARY_INSTRUCTIONS`, no tools."""
    given = req.input
    items = [] if isinstance(given, str) or given is None else list(given)
    if not compact and not any(item.type in _COMPACTION_TYPES for item in items):
        return req, False
    if key is None:
        where = next(
            (f"input[{n}]" for n, item in enumerate(items) if item.type in _COMPACTION_TYPES),
            "input",
        )
        raise CompactionError(
            f"{where}: the client asks for compaction, which a chat backend cannot do; pass "
            "compaction_key= (a secret of the gateway's) to emulate it with a summary",
            path=where,
        )
    data = req.to_dict()
    new: list[Any] = [] if not isinstance(given, str) else [{"role": "user", "content": given}]
    compacting = compact
    for n, item in enumerate(items):
        if item.type == "compaction_trigger":
            compacting = True
            continue
        if item.type == "compaction":
            summary = open_summary(item.encrypted_content, key, f"input[{n}]")  # type: ignore[union-attr]
            new.append(summary_message(summary))
            rec.change(
                f"input[{n}]",
                "a compaction this gateway made, sent as the summary it holds",
                "translate.compaction.summary",
            )
            continue
        new.append(item.to_dict())
    if compacting:
        new = [i for i in new if i.get("type") != "additional_tools"]
        new.append({"role": "user", "content": SUMMARY_INSTRUCTIONS})
        for field in ("tools", "tool_choice", "parallel_tool_calls"):
            data.pop(field, None)
        rec.change(
            "input",
            "a compaction asked for: the backend is asked for a summary of the conversation, "
            "with no tools, and the reply becomes one compaction item",
            "translate.compaction.request",
        )
    data["input"] = new
    return ResponsesRequest.parse(data), compacting


def _with_model(data: dict[str, Any], model: str | None, rec: Recorder) -> dict[str, Any]:
    if model is None:
        return data
    old = data.get("model")
    if old != model:
        rec.change(
            "model",
            f"model {quoted(old)} replaced by {quoted(model)}"
            if old is not None
            else f"model {quoted(model)} set",
            "translate.model",
        )
    return {"model": model, **{k: v for k, v in data.items() if k != "model"}}


def _chunked(
    data: Any, profile: Profile, strict: bool, model: str | None, *, owned: bool
) -> TranslatedRequest | None:
    """The Chat request for a Responses body whose input items are validated and translated
    a chunk at a time (:class:`InputChunks`), or ``None`` for the whole path: a Chat body, an
    input that fits in one chunk or is not a list of dicts, compaction items. ``owned``: the
    data was parsed for this call, and its input items may go as they are read.

    Any error it meets is left for the whole path to raise: that one validates every field
    before translating any, and says where the fault is."""
    if not isinstance(data, dict) or "messages" in data:
        return None
    chunks = InputChunks.of(data.get("input"), _COMPACTION_TYPES, owned=owned)
    if chunks is None:
        return None
    rec = Recorder(strict=strict)
    if isinstance(data.get("tools"), list):
        data = _responses_tools(data, rec)
    parsed = ResponsesRequest.parse({**data, "input": []})
    names = ToolNameMap()
    segments = _history(parsed, None, None, rec, chunks)
    out = responses_to_chat(
        parsed, segments, rec, names, reasoning_key=profile.reasoning_history_field
    )
    return _finish("chat", normalize_chat(out, profile, rec), profile, rec, names, model)


def _finish(
    fmt: Format,
    data: dict[str, Any],
    profile: Profile,
    rec: Recorder,
    names: ToolNameMap,
    model: str | None,
    turn: PendingResponse | None = None,
) -> TranslatedRequest:
    data = _with_model(data, model, rec)
    return TranslatedRequest(
        format=fmt,
        data=data,
        body=dump_json(data, what="request body"),
        notes=rec.notes,
        profile=profile,
        tool_names=names,
        turn=turn,
    )


def _stateless(
    parsed: ResponsesRequest,
    data: dict[str, Any],
    previous_items: Iterable[Any] | None,
    resolver: ItemResolver | None,
    rec: Recorder,
) -> dict[str, Any]:
    """For a backend that keeps no responses: the earlier items a ``previous_response_id``
    (or ``conversation``) stands for, sent first in ``input`` instead of the id, which the
    backend would ignore or reject."""
    segments = _history(parsed, previous_items, resolver, rec)
    items = [item.to_dict() for _, listed in segments for item in listed]
    rest = {k: v for k, v in data.items() if k not in ("previous_response_id", "conversation")}
    return {**rest, "input": items}


def _normalized(
    fmt: Format,
    parsed: WireModel,
    data: dict[str, Any] | None,
    profile: Profile,
    rec: Recorder,
    names: ToolNameMap,
    previous_items: Iterable[Any] | None = None,
    resolver: ItemResolver | None = None,
) -> dict[str, Any]:
    if data is None:
        data = parsed.to_dict()
    if fmt == "chat":
        return normalize_chat(data, profile, rec)
    assert isinstance(parsed, ResponsesRequest)
    if profile.stateless and (
        parsed.previous_response_id is not None or parsed.conversation is not None
    ):
        data = _stateless(parsed, data, previous_items, resolver, rec)
    return normalize_responses(data, profile, rec, names)


@boundary("translate_request")
def translate_request(
    body: JSONInput,
    *,
    to: Format,
    profile: str | Profile | None = None,
    model: str | None = None,
    strict: bool = False,
    previous_items: Iterable[Any] | None = None,
    resolver: ItemResolver | None = None,
    tool_names: ToolNameMap | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
    store: ResponseStore | None = None,
    compaction_key: str | bytes | None = None,
    compact: bool = False,
) -> TranslatedRequest:
    """Translate a request body to the ``to`` format, for ``profile``'s backend.

    ``body`` is JSON bytes or text, a dict, a wireshift request model, or any Pydantic model
    (the openai SDK's). Its format is read from it: a body with ``messages`` is a Chat
    request, anything else a Responses request; a body already in the ``to`` format is only
    normalized for the backend.

    ``profile`` is a built-in profile name, a :class:`~wireshift.Profile`, or ``None`` for
    ``openai``. ``model`` replaces the model name. ``strict=True`` raises
    :class:`TranslationError` naming the field wherever something would be dropped.

    A Responses request with ``previous_response_id`` (or ``conversation``) needs the items
    it stands for: ``previous_items`` (sent first), or ``resolver(id)`` returning them;
    without either it raises :class:`MissingContextError`.

    ``tool_names``: for Chat -> Responses, the map of an earlier Responses -> Chat
    translation, so namespace, custom, shell and patch tools and calls come back as they
    were; for Responses -> Chat, a map to add this request's names to (a new one if
    ``None``). The result's ``tool_names`` is the map used.

    ``store``: a :class:`~wireshift.ResponseStore` that answers ``previous_response_id`` and
    ``conversation`` (when neither ``previous_items`` nor ``resolver`` is given); the
    result's ``turn`` is then what to hand to the stream or body translation, which records
    the finished response there (nothing is recorded for ``store: false``).

    ``compaction_key`` (a secret of the gateway's, 16 bytes or more) lets a chat backend
    stand in for Responses compaction: a request ending in a ``compaction_trigger`` item (or
    any request with ``compact=True``, for a gateway's ``/responses/compact`` route) asks the
    backend for a summary, and the stream or body translation given the result's ``turn``
    answers with exactly one ``compaction`` item sealing it; a ``compaction`` item sent back
    later becomes that summary. Without the key, a compaction request raises
    :class:`~wireshift.CompactionError`; so does an item this gateway did not seal.

    A body nested deeper than ``max_depth`` levels raises
    :class:`~wireshift.NestingTooDeepError`.
    """
    to = check_format(to)
    chosen = get_profile(profile)
    max_depth = check_max_depth(max_depth)
    given, data = _read(body, max_depth)
    # Chunks only with nothing that may be called twice or keep state between two tries.
    if (
        to == "chat"
        and given is None
        and compaction_key is None
        and not compact
        and (tool_names is None and previous_items is None and resolver is None and store is None)
    ):
        # JSON parsed here is this call's own: its items may go as the chunks read them.
        owned = isinstance(body, (bytes, bytearray, str))
        try:
            chunked = _chunked(data, chosen, strict, model, owned=owned)
        except WireshiftError:
            chunked = None  # read again whole below, which says what is wrong
            if owned:
                given, data = _read(body, max_depth)
        if chunked is not None:
            return chunked
    rec = Recorder(strict=strict)
    fmt, parsed, data = _load(given, data, rec)
    names = tool_names if tool_names is not None else ToolNameMap()
    key = None if compaction_key is None else checked_key(compaction_key)
    compacting = False
    if isinstance(parsed, ResponsesRequest) and to == "chat":
        before = parsed
        parsed, compacting = _compaction(parsed, key, compact, rec)
        if parsed is not before:
            data = None
    resolver, turn = _from_store(store, parsed, resolver, previous_items)
    if compacting:
        assert isinstance(parsed, ResponsesRequest)
        from .._store import PendingResponse

        turn = turn or PendingResponse(None, [])
        turn.compaction_key = key
    if fmt == to:
        out = _normalized(fmt, parsed, data, chosen, rec, names, previous_items, resolver)
    elif to == "chat":
        assert isinstance(parsed, ResponsesRequest)
        segments = _history(parsed, previous_items, resolver, rec)
        out = responses_to_chat(
            parsed, segments, rec, names, reasoning_key=chosen.reasoning_history_field
        )
        out = normalize_chat(out, chosen, rec)
    else:
        from ..chat._request import ChatCompletionRequest
        from ._request_to_responses import chat_to_responses

        assert isinstance(parsed, ChatCompletionRequest)
        out = chat_to_responses(parsed, rec, tool_names)
        out = normalize_responses(out, chosen, rec, names)
    return _finish(to, out, chosen, rec, names, model, turn)


@boundary("normalize_request")
def normalize_request(
    body: JSONInput,
    *,
    profile: str | Profile | None = None,
    model: str | None = None,
    strict: bool = False,
    previous_items: Iterable[Any] | None = None,
    resolver: ItemResolver | None = None,
    tool_names: ToolNameMap | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
    store: ResponseStore | None = None,
) -> TranslatedRequest:
    """Apply one backend's rules to a body already in its format (Chat or Responses, read
    from the body): for the ChatGPT Codex backend, ``profile="chatgpt-codex"`` (``None``, the
    plain OpenAI profile, changes little); for a server's own ``/v1/responses``,
    ``profile="ollama-responses"`` and the like.

    Tools the backend does not take are flattened into functions: the result's
    ``tool_names`` (``tool_names`` if given) is the map to hand to
    :func:`translate_stream` / :func:`translate_response` so the calls come back as the
    client's tools. For a backend that keeps no responses, ``previous_items``, ``resolver``
    or ``store`` stand in for a ``previous_response_id`` (see :func:`translate_request`)."""
    chosen = get_profile(profile)
    given, data = _read(body, check_max_depth(max_depth))
    rec = Recorder(strict=strict)
    fmt, parsed, data = _load(given, data, rec)
    names = tool_names if tool_names is not None else ToolNameMap()
    resolver, turn = _from_store(store, parsed, resolver, previous_items)
    out = _normalized(fmt, parsed, data, chosen, rec, names, previous_items, resolver)
    return _finish(fmt, out, chosen, rec, names, model, turn)
