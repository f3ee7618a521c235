"""Refresh the spec extracts the conformance tests read, from the full specs.

Run from the repository root, naming the directory that holds the full specs (OpenAI's
OpenAPI document and the Open Responses one, as their projects publish them)::

    python tests/data/spec/extract.py path/to/specs

Each extract keeps the operations the tests read (:data:`PATHS`), the ``components.schemas``
a test names (any schema name written as a string in ``tests/``) and every schema those
refer to, and records where it came from. The
full OpenAI spec is 3.3 MB; the tests read a fraction of it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TESTS = HERE.parents[1]
# The full specs, by file name: the repository they come from and the commit extracted.
SOURCES = {
    "openai-openapi.json": ("openai/openai-openapi", "f85dbe2 (2026-08-21)"),
    "openresponses-openapi.json": ("openresponses/openresponses", "1e33c10 (2026-04-24)"),
}
# The operations tests read whole (the chat examples, the Open Responses event union).
PATHS = {
    "openai-openapi.json": ["/chat/completions", "/responses"],
    "openresponses-openapi.json": ["/responses"],
}
_NAME = re.compile(r"[\"']([A-Z][A-Za-z0-9_]+)[\"']")
_REF = re.compile(r"#/components/schemas/([A-Za-z0-9_.\-]+)")


def named_in_tests() -> set[str]:
    """Every capitalised word written as a string in the tests: the schema names they use."""
    names: set[str] = set()
    for path in TESTS.rglob("*.py"):
        names.update(_NAME.findall(path.read_text(encoding="utf-8")))
    return names


def closure(schemas: dict[str, Any], roots: set[str]) -> dict[str, Any]:
    """The schemas named in ``roots`` and every schema they refer to, transitively."""
    kept: dict[str, Any] = {}
    todo = [name for name in roots if name in schemas]
    while todo:
        name = todo.pop()
        if name in kept:
            continue
        kept[name] = schemas[name]
        todo.extend(_REF.findall(json.dumps(schemas[name])))
    return dict(sorted(kept.items()))


def main(source_dir: str) -> None:
    roots = named_in_tests()
    for file, (repository, commit) in SOURCES.items():
        spec = json.loads((Path(source_dir) / file).read_text(encoding="utf-8"))
        paths = {path: spec["paths"][path] for path in PATHS[file]}
        named = roots | set(_REF.findall(json.dumps(paths)))
        kept = closure(spec["components"]["schemas"], named)
        extract = {
            "x-extract": {
                "repository": repository,
                "commit": commit,
                "license": "MIT",
                "by": "tests/data/spec/extract.py",
                "schemas": len(kept),
            },
            "info": spec.get("info", {}),
            "paths": paths,
            "components": {"schemas": kept},
        }
        out = HERE / file
        out.write_text(json.dumps(extract, indent=1, sort_keys=False) + "\n", encoding="utf-8")
        print(f"{out.name}: {len(kept)} of {len(spec['components']['schemas'])} schemas")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/data/spec/extract.py SPEC_DIR")
    main(sys.argv[1])
