"""Responses tools a native Responses server does not take, as function tools it does.

Ollama, vLLM, LM Studio and llama.cpp serve ``/v1/responses`` but take function tools only:
they reject a ``namespace`` or ``custom`` tool, skip it, or return its calls under a name
the client does not know. :attr:`Profile.tool_types` says what a backend takes; this module
rewrites the rest of a Responses body for it, on JSON data, copying what it changes:

* ``namespace`` members, ``custom`` tools and the shell and patch tools become function
  tools, named by the :class:`~wireshift.ToolNameMap` (the translation back restores them);
* their calls and outputs in ``input`` become ``function_call`` / ``function_call_output``
  items under the same names, so the history matches the tools sent;
* tools with no function form (hosted ``web_search``, ``image_generation``...) are dropped,
  as is a ``tool_choice`` that names one.
"""

from __future__ import annotations

from typing import Any

from .._errors import quoted
from .._toolnames import ToolNameMap, ToolOrigin
from ..responses._items import parse_item
from ..responses._tools import CustomTool, parse_tool
from ._context import Recorder
from ._toolforms import FUNCTION_FORMS, custom_parameters, dump_arguments, form_call_arguments

__all__ = ["flatten_tools"]

_FUNCTION_FIELDS = ("description", "parameters", "strict")
_FORM_CALLS = {form.call_type: form for form in FUNCTION_FORMS.values()}
_FORM_OUTPUTS = {form.output_type: form for form in FUNCTION_FORMS.values()}


class _Flattener:
    def __init__(self, accepted: frozenset[str], rec: Recorder, names: ToolNameMap) -> None:
        self.accepted = accepted
        self.rec = rec
        self.names = names
        self.flatten_namespaces = "namespace" not in accepted
        self.flatten_custom = "custom" not in accepted
        self.forms = {t: f for t, f in FUNCTION_FORMS.items() if t not in accepted}

    # -- tools -------------------------------------------------------------------------------

    def function(self, source: dict[str, Any], origin: ToolOrigin) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "function", "name": self.names.add(origin)}
        for key in _FUNCTION_FIELDS:
            if key in source:
                out[key] = source[key]
        if "parameters" not in out:
            out["parameters"] = {"type": "object", "properties": {}}
        return out

    def custom(self, tool: dict[str, Any], namespace: str | None) -> dict[str, Any]:
        parsed = parse_tool(tool)
        fmt = parsed.format if isinstance(parsed, CustomTool) else None
        out: dict[str, Any] = {
            "type": "function",
            "name": self.names.add(ToolOrigin(str(tool.get("name")), "custom", namespace)),
        }
        if "description" in tool:
            out["description"] = tool["description"]
        out["parameters"] = custom_parameters(fmt)
        return out

    def tools(self, tools: list[Any], where: str) -> list[Any]:
        # Plain functions take their names first, so flattened names never take theirs.
        for tool in tools:
            if isinstance(tool, dict) and tool.get("type") == "function":
                name = tool.get("name")
                if isinstance(name, str):
                    self.names.add(ToolOrigin(name))
        out: list[Any] = []
        for n, tool in enumerate(tools):
            path = f"{where}[{n}]"
            kind = tool.get("type") if isinstance(tool, dict) else None
            if not isinstance(tool, dict) or kind in self.accepted or kind == "function":
                out.append(tool)
            elif kind == "namespace":
                out.extend(self.namespace(tool, path))
            elif kind == "custom" and isinstance(tool.get("name"), str):
                out.append(self.custom(tool, None))
                self.rec.change(
                    path,
                    f"the backend takes no custom tools: {quoted(tool['name'])} sent as a "
                    "function with one `input` string, its calls restored on the way back",
                    "normalize.tools.custom",
                )
            elif kind in self.forms:
                form = self.forms[str(kind)]
                origin = ToolOrigin(form.name, form.tool_type)
                out.append(
                    {
                        "type": "function",
                        "name": self.names.add(origin),
                        "description": form.description,
                        "parameters": form.parameters,
                    }
                )
                self.rec.change(
                    path,
                    f"the backend takes no {kind} tools: sent as a function",
                    "normalize.tools.form",
                )
            else:
                self.rec.drop(
                    path,
                    f"the backend takes no {quoted(kind)} tools",
                    "normalize.tools.unsupported",
                    tool_type=kind,
                )
        return out

    def namespace(self, tool: dict[str, Any], path: str) -> list[Any]:
        space = tool.get("name")
        members = tool.get("tools")
        if not isinstance(space, str) or not isinstance(members, list):
            self.rec.drop(
                path, "a namespace tool with no name or tools", "normalize.tools.unsupported"
            )
            return []
        out: list[Any] = []
        for n, member in enumerate(members):
            kind = member.get("type") if isinstance(member, dict) else None
            name = member.get("name") if isinstance(member, dict) else None
            if not isinstance(name, str) or kind not in ("function", "custom"):
                self.rec.drop(
                    f"{path}.tools[{n}]",
                    f"a {quoted(kind)} tool in a namespace has no function form",
                    "normalize.tools.unsupported",
                    tool_type=kind,
                )
                continue
            assert isinstance(member, dict)
            if kind == "custom":
                out.append(self.custom(member, space))
            else:
                out.append(self.function(member, ToolOrigin(name, "function", space)))
        self.rec.change(
            path,
            f"the backend takes no namespace tools: {quoted(space)} flattened into functions "
            f"{', '.join(t['name'] for t in out)}, their calls restored on the way back",
            "normalize.tools.namespace",
            functions=[t["name"] for t in out],
        )
        return out

    # -- tool_choice -------------------------------------------------------------------------

    def choice_entry(self, entry: Any) -> Any:
        """A tool_choice (or allowed tool) naming a flattened tool, as a function choice;
        ``None`` when it names a tool the backend does not get."""
        if not isinstance(entry, dict):
            return entry
        kind = entry.get("type")
        name = entry.get("name")
        if kind == "function" and entry.get("namespace") is not None and self.flatten_namespaces:
            origin = ToolOrigin(str(name), "function", entry["namespace"])
            return {"type": "function", "name": self.names.add(origin)}
        if kind == "custom" and self.flatten_custom and isinstance(name, str):
            origin = ToolOrigin(name, "custom", entry.get("namespace"))
            return {"type": "function", "name": self.names.add(origin)}
        if kind in self.forms:
            form = self.forms[str(kind)]
            return {
                "type": "function",
                "name": self.names.add(ToolOrigin(form.name, form.tool_type)),
            }
        if kind == "function" or kind in self.accepted:
            return entry
        return None

    def tool_choice(self, data: dict[str, Any]) -> None:
        choice = data.get("tool_choice")
        if not isinstance(choice, dict):
            return
        if choice.get("type") == "allowed_tools":
            allowed = [self.choice_entry(e) for e in choice.get("tools") or ()]
            kept = [e for e in allowed if e is not None]
            if kept != choice.get("tools"):
                data["tool_choice"] = {**choice, "tools": kept}
                self.rec.change(
                    "tool_choice.tools",
                    "allowed tools named as the backend gets them",
                    "normalize.tool_choice",
                    lossy=len(kept) != len(allowed),
                )
            return
        converted = self.choice_entry(choice)
        if converted is None:
            del data["tool_choice"]
            self.rec.drop(
                "tool_choice",
                f"it names a {quoted(choice.get('type'))} tool the backend does not get",
                "normalize.tool_choice",
            )
        elif converted is not choice:
            data["tool_choice"] = converted
            self.rec.change(
                "tool_choice", "names the tool's function form", "normalize.tool_choice"
            )

    # -- input items -------------------------------------------------------------------------

    def item(self, item: Any) -> tuple[Any, str | None]:
        """The item as the backend takes it, and the kind of change made (``None``: none)."""
        if not isinstance(item, dict):
            return item, None
        kind = item.get("type")
        if kind == "function_call":
            space = item.get("namespace")
            if space is None or not self.flatten_namespaces:
                return item, None
            name = self.names.add(ToolOrigin(str(item.get("name")), "function", space))
            out = {k: v for k, v in item.items() if k != "namespace"}
            out["name"] = name
            return out, "namespaced calls"
        if kind == "custom_tool_call" and self.flatten_custom:
            origin = ToolOrigin(str(item.get("name")), "custom", item.get("namespace"))
            out = {"type": "function_call"}
            for key in ("id", "call_id", "status"):
                if key in item:
                    out[key] = item[key]
            out["name"] = self.names.add(origin)
            text = item.get("input")
            out["arguments"] = dump_arguments({"input": text if isinstance(text, str) else ""})
            return out, "custom tool calls"
        if kind == "custom_tool_call_output" and self.flatten_custom:
            return {**item, "type": "function_call_output"}, "custom tool outputs"
        form = _FORM_CALLS.get(kind) if isinstance(kind, str) else None
        if form is not None and form.tool_type in self.forms:
            _, arguments = form_call_arguments(parse_item(item))
            out = {
                "type": "function_call",
                "call_id": item.get("call_id") or item.get("id") or "",
                "name": self.names.add(ToolOrigin(form.name, form.tool_type)),
                "arguments": arguments,
            }
            return out, f"{kind} items"
        form = _FORM_OUTPUTS.get(kind) if isinstance(kind, str) else None
        if form is not None and form.tool_type in self.forms:
            return {
                "type": "function_call_output",
                "call_id": item.get("call_id") or item.get("id") or "",
                "output": _output_text(item),
            }, f"{kind} items"
        return item, None

    def items(self, items: list[Any]) -> list[Any]:
        changed: dict[str, list[int]] = {}
        out = list(items)
        for n, item in enumerate(items):
            new, what = self.item(item)
            if what is not None:
                out[n] = new
                changed.setdefault(what, []).append(n)
        for what, positions in changed.items():
            self.rec.change(
                "input",
                f"{what} sent as function calls and outputs under the names the tools were "
                "sent with",
                "normalize.tools.history",
                positions=positions,
            )
        return out if changed else items


def _output_text(item: dict[str, Any]) -> str:
    output = item.get("output")
    if isinstance(output, str):
        return output
    if output is None:
        return str(item.get("status") or "")
    return dump_arguments(output)


def flatten_tools(
    data: dict[str, Any], accepted: frozenset[str], rec: Recorder, names: ToolNameMap
) -> dict[str, Any]:
    """``data`` (a Responses body, already a copy) with the tools ``accepted`` leaves out
    flattened or dropped, and the history to match; the names land in ``names``."""
    flat = _Flattener(accepted, rec, names)
    items = data.get("input")
    tools = data.get("tools")
    if isinstance(items, list) and any(
        isinstance(i, dict) and i.get("type") == "additional_tools" for i in items
    ):
        # Tools sent as an input item ("Responses Lite") join the request's tools.
        extra: list[Any] = list(tools) if isinstance(tools, list) else []
        kept = []
        for n, item in enumerate(items):
            if isinstance(item, dict) and item.get("type") == "additional_tools":
                extra.extend(item.get("tools") or ())
                rec.move(
                    f"input[{n}]",
                    "tools sent as an input item join the request's tools",
                    "normalize.tools.additional",
                )
            else:
                kept.append(item)
        data["input"] = items = kept
        data["tools"] = tools = extra
    if isinstance(tools, list):
        data["tools"] = flat.tools(tools, "tools")
        if not data["tools"]:
            del data["tools"]
            for field in ("tool_choice", "parallel_tool_calls"):
                if data.pop(field, None) is not None:
                    rec.drop(
                        field, "no tools are left to send", "normalize.tools.none", lossy=False
                    )
    flat.tool_choice(data)
    if isinstance(items, list):
        data["input"] = flat.items(items)
    return data
