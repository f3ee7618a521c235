"""The tool name map: chat names follow the Chat rule for any name, and the map gives back
what was registered (origins, aliases, its JSON form)."""

from __future__ import annotations

import json
import re

import pytest

from wireshift import ToolNameMap
from wireshift._toolnames import ToolOrigin

# The rule as Chat states it: names of ^[a-zA-Z0-9_-]{1,64}$; anything else becomes "_".
_OUTSIDE = re.compile(r"[^a-zA-Z0-9_-]")


@pytest.mark.parametrize(
    "name",
    [
        "exec_command",
        "apply-patch",
        "",
        "a.b",
        "with space",
        "caf\u00e9",  # a letter, not an ASCII one
        "\uff41\uff42",  # fullwidth letters: alphanumeric, not ASCII
        "\u0661\u0662",  # Arabic-Indic digits
        "tab\there",
        "slash/and:colon",
        "\u00b2",
        "x" * 64,
    ],
)
def test_chat_names_keep_only_what_chat_allows(name: str) -> None:
    expected = _OUTSIDE.sub("_", name) or "tool"
    assert ToolNameMap().add_tool(name) == expected


def test_a_namespaced_name_is_joined_and_cleaned() -> None:
    names = ToolNameMap()
    assert names.add_tool("run.it", "function", "mcp:fs") == "mcp_fs__run_it"


def test_long_and_taken_names_get_distinct_names_of_at_most_64() -> None:
    names = ToolNameMap()
    long = names.add_tool("y" * 80)
    plain = names.add_tool("a_b")
    clash = names.add_tool("a.b")  # cleans to the name "a_b" already has
    assert len(long) <= 64
    assert long.startswith("y" * 50)
    assert plain == "a_b"
    assert clash != plain
    assert len({long, plain, clash}) == 3
    assert names.restore(clash) == ToolOrigin("a.b")


def test_the_map_gives_back_origins_and_survives_its_json_form() -> None:
    names = ToolNameMap()
    chat = names.add_tool("read", "function", "fs")
    custom = names.add_tool("apply_patch", "custom")
    assert names.add(ToolOrigin("read", "function", "fs")) == chat  # registered once
    assert names.restore(chat) == ToolOrigin("read", "function", "fs")
    assert names.restore(custom) == ToolOrigin("apply_patch", "custom")
    assert names.restore("never_given") is None
    assert dict(names) == {
        chat: ToolOrigin("read", "function", "fs"),
        custom: ToolOrigin("apply_patch", "custom"),
    }
    again = ToolNameMap.from_dict(json.loads(json.dumps(names.to_dict())))
    assert again == names
    assert len(again) == 2
    assert again.add_tool("read", "function", "fs") == chat
    assert again.chat_name("read", "fs") == chat
    assert again.chat_name("other") == "other"


def test_aliases_resolve_and_a_shared_bare_name_stands_for_neither() -> None:
    names = ToolNameMap()
    names.add_tool("read", "function", "fs")
    names.add_tool("read", "function", "web")
    names.add_tool("write", "function", "fs")
    assert names.resolve("fs.read") == ToolOrigin("read", "function", "fs")
    assert names.resolve("web/read") == ToolOrigin("read", "function", "web")
    assert names.resolve("ns_fs___write") == ToolOrigin("write", "function", "fs")
    assert names.resolve("write") == ToolOrigin("write", "function", "fs")
    assert names.resolve("read") is None  # two tools have it
    names.add_tool("read")  # a plain function named so: the bare name is its own now
    assert names.resolve("read") == ToolOrigin("read")
