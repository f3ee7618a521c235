"""A minimal MCP server over stdio for the Codex end-to-end tests: one tool, ``shout``,
which answers ``ECHO:`` and its text in capitals (so its output proves the call ran)."""

from __future__ import annotations

import json
import sys
from typing import Any

SHOUT = {
    "name": "shout",
    "description": "Echoes the text in capitals.",
    "inputSchema": {
        "type": "object",
        "properties": {"text": {"type": "string"}},
        "required": ["text"],
    },
}


def answer(message: dict[str, Any]) -> dict[str, Any] | None:
    method = message.get("method")
    if "id" not in message:
        return None  # a notification
    if method == "initialize":
        version = message.get("params", {}).get("protocolVersion", "2025-06-18")
        result: dict[str, Any] = {
            "protocolVersion": version,
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "echo", "version": "1"},
        }
    elif method == "tools/list":
        result = {"tools": [SHOUT]}
    elif method == "tools/call":
        text = str(message["params"].get("arguments", {}).get("text", ""))
        result = {"content": [{"type": "text", "text": "ECHO:" + text.upper()}]}
    else:
        result = {}
    return {"jsonrpc": "2.0", "id": message["id"], "result": result}


def main() -> None:
    for line in sys.stdin:
        if line.strip():
            reply = answer(json.loads(line))
            if reply is not None:
                sys.stdout.write(json.dumps(reply) + "\n")
                sys.stdout.flush()


if __name__ == "__main__":
    main()
