"""Parse a captured Codex request and a captured Responses stream, and print what they hold.

Run from the repository root:  python examples/inspect_capture.py [REQUEST.json] [STREAM.sse]
The defaults are the captures in examples/data/: a request Codex CLI 0.169 sent after a tool
call (headers included), and a Codex-style streamed turn.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import wireshift

DATA = Path(__file__).parent / "data"


def show_request(path: Path) -> None:
    capture = json.loads(path.read_bytes())
    body = capture.get("body", capture)  # a capture with headers, or a bare body
    request = wireshift.ResponsesRequest.parse(body)
    print(f"== request {path.name}: model={request.model} stream={request.stream}")
    for item in request.input if isinstance(request.input, list) else []:
        print(f"  input  {type(item).__name__:<20} {_describe(item)}")
    for tool in request.tools or []:
        name = getattr(tool, "name", "")
        print(f"  tool   {type(tool).__name__:<20} {name}")
    same = request.to_dict() == body
    print(f"  parse -> dump gives the body back unchanged: {same}")


def show_stream(path: Path) -> None:
    print(f"== stream {path.name}")
    decoder = wireshift.SSEDecoder()
    events = decoder.feed(path.read_bytes()) + decoder.close()
    kinds: dict[str, int] = {}
    text: list[str] = []
    for sse in events:
        if not isinstance(sse, wireshift.SSEEvent) or sse.is_done:
            continue
        event = wireshift.parse_response_event(sse.data)
        kinds[type(event).__name__] = kinds.get(type(event).__name__, 0) + 1
        if isinstance(event, wireshift.ResponseTextDeltaEvent):
            text.append(event.delta)
        if isinstance(event, wireshift.ResponseOutputItemDoneEvent):
            print(f"  item done   {type(event.item).__name__:<20} {_describe(event.item)}")
    for name, count in sorted(kinds.items()):
        print(f"  {count:4d} x {name}")
    print(f"  streamed text: {''.join(text)!r}")


def _describe(item: object) -> str:
    if isinstance(item, wireshift.Message):
        content = item.content
        text = (
            content
            if isinstance(content, str)
            else " ".join(getattr(p, "text", "") for p in content)
        )
        return f"{item.role}: {text[:50]!r}"
    if isinstance(item, wireshift.FunctionCall):
        return f"{item.name}({item.arguments[:40]}) call_id={item.call_id}"
    if isinstance(item, wireshift.FunctionCallOutput):
        return f"call_id={item.call_id} output={str(item.output)[:40]!r}"
    return ""


if __name__ == "__main__":
    args = sys.argv[1:]
    show_request(Path(args[0]) if args else DATA / "codex-request.json")
    show_stream(Path(args[1]) if len(args) > 1 else DATA / "codex-turn.sse")
