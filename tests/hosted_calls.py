"""A chat stream calling the local_shell, shell and apply_patch tools in their function form,
for the tests that check those calls come back as their own Responses items."""

from __future__ import annotations

import json
from typing import Any

from wireshift import ToolNameMap
from wireshift.translate import translate_request

HOSTED_TOOLS = [{"type": "local_shell"}, {"type": "shell"}, {"type": "apply_patch"}]
# (chat function, call id, arguments) as a chat upstream streams them, and the item each must
# come back as; the last call's arguments do not fit its tool, so it stays a function call.
HOSTED_CALLS: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "local_shell",
        "call_ls",
        '{"command": ["ls", "-la"], "working_directory": "/src"}',
        {
            "type": "local_shell_call",
            "action": {
                "type": "exec",
                "env": {},
                "command": ["ls", "-la"],
                "working_directory": "/src",
            },
        },
    ),
    (
        "shell",
        "call_sh",
        '{"commands": ["pytest -q"], "timeout_ms": 1000}',
        {
            "type": "shell_call",
            # The spec's output item requires the (nullable) fields the call left out.
            "action": {"commands": ["pytest -q"], "timeout_ms": 1000, "max_output_length": None},
            "environment": None,
        },
    ),
    (
        "apply_patch",
        "call_ap",
        '{"type": "update_file", "path": "a.py", "diff": "@@\\n-x\\n+y"}',
        {
            "type": "apply_patch_call",
            "operation": {"type": "update_file", "path": "a.py", "diff": "@@\n-x\n+y"},
        },
    ),
    (
        "local_shell",
        "call_bad",
        "ls -la",
        {"type": "function_call", "name": "local_shell", "arguments": "ls -la"},
    ),
]


def hosted_stream() -> tuple[bytes, ToolNameMap]:
    """The chat stream (SSE bytes) and the tool-name map its request translation made."""
    request = translate_request(
        {"model": "m", "input": "hi", "tools": HOSTED_TOOLS}, to="chat", profile="vllm"
    )
    chunks: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    for index, (name, call_id, arguments, _) in enumerate(HOSTED_CALLS):
        start = {"index": index, "id": call_id, "type": "function"}
        chunks.append({"tool_calls": [{**start, "function": {"name": name, "arguments": ""}}]})
        for cut in range(0, len(arguments), 7):  # arguments in pieces
            piece = {"arguments": arguments[cut : cut + 7]}
            chunks.append({"tool_calls": [{"index": index, "function": piece}]})
    body = b""
    for delta in [*chunks, None]:
        choice = {
            "index": 0,
            "delta": delta or {},
            "finish_reason": None if delta else "tool_calls",
        }
        chunk = {"id": "c", "object": "chat.completion.chunk", "model": "m", "choices": [choice]}
        body += b"data: " + json.dumps(chunk).encode() + b"\n\n"
    return body + b"data: [DONE]\n\n", request.tool_names
