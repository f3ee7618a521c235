"""wireshift's main job in three steps, on the data in examples/data/:

1. a request Codex CLI 0.169 really sent after a tool call (``codex-request.json``),
   translated for a vLLM chat backend;
2. a vLLM-shaped streamed answer (reasoning, text, a tool call split over chunks:
   ``vllm-tool-call.sse``) translated into the Responses events Codex reads;
3. a Responses stream that failed the way some providers fail, ``response.error: null`` with
   the real error beside it (``failed-turn.sse``), accumulated into its final response and
   that error.

Run from the repository root:  python examples/first_look.py
"""

from __future__ import annotations

import itertools
import json
import textwrap
from pathlib import Path

import wireshift
from wireshift.responses import FunctionCall, ResponseCompletedEvent

DATA = Path(__file__).parent / "data"


def translate_codex_request() -> wireshift.ToolNameMap:
    capture = json.loads((DATA / "codex-request.json").read_bytes())
    body = capture.get("body", capture)  # a capture with its headers, or a bare body
    sent = wireshift.translate_request(body, to="chat", profile="vllm")
    print(f"1. A Codex request ({len(body['input'])} input items, {len(body['tools'])} tools)")
    print(
        f"   -> a chat request: {len(sent.data['messages'])} messages, "
        f"{len(sent.data.get('tools', []))} tools, {len(sent.body):,} bytes"
    )
    for note in sent.notes:
        print(f"   note: {note.path}: {note.action} ({note.code})")
    return sent.tool_names


def translate_chat_stream(tool_names: wireshift.ToolNameMap) -> None:
    raw = (DATA / "vllm-tool-call.sse").read_bytes()
    chunks = [raw[i : i + 512] for i in range(0, len(raw), 512)]  # as a socket delivers them
    stream = wireshift.translate_stream(
        chunks, to="responses", tool_names=tool_names, profile="vllm"
    )
    events = list(stream)
    print(
        f"\n2. A vLLM chat stream ({raw.count(b'data: ')} chunks) -> {len(events)} Responses events"
    )
    names = []
    for kind, group in itertools.groupby(event.type.removeprefix("response.") for event in events):
        count = len(list(group))
        names.append(kind + (f" x{count}" if count > 1 else ""))
    print(textwrap.fill(", ".join(names), width=94, initial_indent="   ", subsequent_indent="   "))
    last = events[-1]
    if isinstance(last, ResponseCompletedEvent):
        for item in last.response.output:
            if isinstance(item, FunctionCall):
                print(f"   Codex runs: {item.name}({item.arguments})")
    print(f"   notes: {len(stream.notes)}, error: {stream.error}")


def accumulate_failed_stream() -> None:
    result = wireshift.accumulate_stream((DATA / "failed-turn.sse").read_bytes(), to="responses")
    error = result.error
    print("\n3. A failed Responses stream, accumulated")
    print(f"   status: {result.response.status}, text so far: {result.text!r}")
    if error is not None:
        print(f"   the real error (found in {error.source}): {error.code}, HTTP {error.status}")
        print(f"   {error.message}")
    for note in result.notes:
        print(f"   note: {note.path}: {note.action} ({note.code})")


if __name__ == "__main__":
    translate_chat_stream(translate_codex_request())
    accumulate_failed_stream()
