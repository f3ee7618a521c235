"""The public surface: a small top level, lazy loading that agrees with the packages, the 0.1
names still working (with a warning naming their new home), and a cheap import."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

import wireshift

OLD_NAMES = (Path(__file__).parent / "data" / "api" / "wireshift-0.1.0-names.txt").read_text()


def test_every_public_name_resolves_and_is_unique() -> None:
    assert len(wireshift.__all__) == len(set(wireshift.__all__))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none of them is a retired name
        missing = [name for name in wireshift.__all__ if not hasattr(wireshift, name)]
    assert missing == []


def test_the_top_level_is_a_few_dozen_names_and_no_models() -> None:
    assert len(wireshift.__all__) <= 70
    chat = importlib.import_module("wireshift.chat")
    responses = importlib.import_module("wireshift.responses")
    assert not set(wireshift.__all__) & (set(chat.__all__) | set(responses.__all__))


def test_each_lazy_name_is_exported_by_its_package() -> None:
    for package, names in wireshift._LAZY.items():
        module = importlib.import_module(f"wireshift{package}")
        for name in names:
            assert name in module.__all__, f"{name} is not in wireshift{package}.__all__"


def test_type_checkers_see_the_same_lazy_names() -> None:
    # The TYPE_CHECKING imports in __init__ are what mypy reads; they must match the table.
    tree = ast.parse(Path(wireshift.__file__).read_text())
    seen: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom)
                for alias in stmt.names:
                    assert alias.asname == alias.name, "re-export with `import X as X`"
                    seen.setdefault(f".{stmt.module}", set()).add(alias.name)
    assert seen == {package: set(names) for package, names in wireshift._LAZY.items()}


@pytest.mark.parametrize("name", OLD_NAMES.split())
def test_every_0_1_name_still_works(name: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = getattr(wireshift, name)
    assert value is not None or name == "__version__"
    if name in wireshift.__all__:
        assert caught == []
    else:
        assert [w.category for w in caught] == [DeprecationWarning]
        message = str(caught[0].message)
        assert f"wireshift.{name} is no longer at the top level" in message
        home = message.split("import it from ")[-1].split(")")[0]
        if "import it from" in message:
            assert getattr(importlib.import_module(home), name) is value


def test_a_model_warns_and_names_its_package() -> None:
    from wireshift.chat import ChatCompletion

    with pytest.warns(DeprecationWarning, match=r"import it from wireshift\.chat"):
        assert wireshift.ChatCompletion is ChatCompletion


def test_unknown_attribute_is_an_attribute_error() -> None:
    assert not hasattr(wireshift, "NoSuchThing")
    assert not hasattr(wireshift, "__wrapped__")


def test_subpackages_are_reachable_after_import_wireshift() -> None:
    code = "import wireshift; print(wireshift.chat.ChatCompletion.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ChatCompletion"


def test_import_does_not_load_models_or_httpx() -> None:
    code = textwrap.dedent(
        """
        import sys, wireshift
        heavy = [m for m in ("wireshift.responses", "wireshift.chat", "httpx", "httpx_sse")
                 if m in sys.modules]
        print(heavy)
        wireshift.translate_request
        print("wireshift.responses" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True"]
