"""Tagged unions whose members' validators are built on first use (``MembersOnDemand`` and
``TypeTagged(on_demand=True)``) must read every value as the whole union does: the same
models, the same errors at the same paths, the same dumps and JSON schema. Each test makes
its own model classes, so that what earlier tests validated does not decide what is built."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from pydantic import TypeAdapter, ValidationError

from wireshift._model import MembersOnDemand, TypeTagged, WireModel

FIXTURE = Path(__file__).parent / "data" / "fixtures" / "codex-0.169-request-1.json"


def _infer(value: Mapping[str, Any]) -> str | None:
    return "a" if "x" in value else None


def _models() -> tuple[Any, Any, Any]:
    """A fresh on-demand list model, its eager twin, and the union (new classes each call)."""

    class A(WireModel):
        type: Literal["a"] = "a"
        x: int

    class B(WireModel):
        type: Literal["b"] = "b"
        y: str = "default"

    class C(WireModel):
        type: Literal["c"] = "c"
        parts: list[A] = []

    class Other(WireModel):
        type: str

    union: Any = Annotated[A | B | C | Other, TypeTagged(infer=_infer)]

    class Lazy(WireModel):
        things: Annotated[list[union], MembersOnDemand()] | None = None
        one: Annotated[A | B | C | Other, TypeTagged(infer=_infer, on_demand=True)] | None = None

    class Eager(WireModel):
        things: list[union] | None = None
        one: Annotated[A | B | C | Other, TypeTagged(infer=_infer)] | None = None

    return Lazy, Eager, union


def _same(lazy: Any, eager: Any) -> None:
    assert [type(t).__name__ for t in lazy.things or ()] == [
        type(t).__name__ for t in eager.things or ()
    ]
    assert type(lazy.one).__name__ == type(eager.one).__name__
    assert lazy.to_dict() == eager.to_dict()
    assert lazy.to_json() == eager.to_json()
    assert lazy.model_dump() == eager.model_dump()


BODIES: list[dict[str, Any]] = [
    {"things": [{"type": "a", "x": 1}]},
    # a tag the first validator was not built for: its own member, not the fallback
    {"things": [{"type": "b"}, {"type": "a", "x": 2}], "one": {"type": "b", "y": "s"}},
    {"things": [{"type": "c", "parts": [{"x": 3}]}], "one": {"type": "c"}},
    {"things": [{"type": "zzz", "kept": [1]}, {"x": 4}], "one": {"x": 5}},  # unknown, inferred
    {"things": [], "one": {"type": "a", "x": 6}},
]


def test_each_body_reads_as_the_whole_union_reads_it_in_any_order() -> None:
    for order in (BODIES, BODIES[::-1], BODIES[1:] + BODIES[:1]):
        lazy_model, eager_model, _ = _models()
        for body in order:
            _same(lazy_model.model_validate(body), eager_model.model_validate(body))
            raw = json.dumps(body)
            _same(lazy_model.model_validate_json(raw), eager_model.model_validate_json(raw))


def test_a_value_of_a_member_not_built_yet_is_not_read_as_the_fallback() -> None:
    lazy_model, _, _ = _models()
    first = lazy_model.model_validate(
        {"things": [{"type": "a", "x": 1}], "one": {"type": "a", "x": 1}}
    )
    assert type(first.things[0]).__name__ == "A"
    later = lazy_model.model_validate({"things": [{"type": "b"}], "one": {"type": "b"}})
    assert type(later.things[0]).__name__ == "B"
    assert type(later.one).__name__ == "B"
    assert later.things[0].y == "default"


def test_models_built_in_code_and_tuples_are_taken() -> None:
    lazy_model, eager_model, union = _models()
    a_class = TypeAdapter(union).validate_python({"type": "a", "x": 1}).__class__
    made = a_class(x=7)
    for body in ({"things": [made]}, {"things": (made, {"type": "b"})}, {"one": made}):
        _same(lazy_model.model_validate(body), eager_model.model_validate(body))


BAD: list[dict[str, Any]] = [
    {"things": [{"type": "a", "x": 1}, {"type": "a", "x": "not a number"}]},
    {"things": [{"type": "b"}, {"type": "c", "parts": [{"x": []}]}]},
    {"things": [{"type": ["a list"]}]},  # a tag that is no string (unhashable)
    {"things": [{"no": "tag"}]},
    {"things": [7]},
    {"things": "not a list"},
    {"things": {"type": "a"}},
    {"one": {"type": "a"}},
    {"one": "a string"},
]


@pytest.mark.parametrize("body", BAD, ids=[json.dumps(b)[:40] for b in BAD])
def test_errors_name_the_same_fields_as_the_whole_union(body: dict[str, Any]) -> None:
    lazy_model, eager_model, _ = _models()
    lazy_model.model_validate({"things": [{"type": "a", "x": 1}]})  # a validator exists
    with pytest.raises(ValidationError) as lazy:
        lazy_model.model_validate(body)
    with pytest.raises(ValidationError) as eager:
        eager_model.model_validate(body)
    assert [(e["loc"], e["type"]) for e in lazy.value.errors()] == [
        (e["loc"], e["type"]) for e in eager.value.errors()
    ]


def test_the_json_schema_is_the_whole_unions() -> None:
    lazy_model, eager_model, _ = _models()
    lazy, eager = lazy_model.model_json_schema(), eager_model.model_json_schema()
    for schema in (lazy, eager):
        schema["title"] = "Same"
    assert lazy == eager
    assert {"A", "B", "C", "Other"} <= set(lazy["$defs"])


def test_a_request_builds_only_the_item_and_tool_models_it_holds() -> None:
    """In a fresh process: the Codex request (messages of input_text parts; function,
    namespace and web_search tools) leaves the call, reasoning, other tool and other content
    part models unbuilt; a later request with a
    call reads it as a call."""
    code = (
        "import json, wireshift\n"
        "from wireshift.responses import Message, FunctionCall, ReasoningItem, FunctionTool,"
        " FileSearchTool, FunctionToolChoice, InputText, InputImage, Refusal, CustomTool\n"
        f"raw = json.loads(open({str(FIXTURE)!r}).read())['body']\n"
        "wireshift.translate_request(json.dumps(raw), to='chat', profile='vllm')\n"
        "first = [m.__pydantic_complete__ for m in (Message, FunctionTool, FunctionCall,"
        " ReasoningItem, FileSearchTool, FunctionToolChoice, InputText, InputImage, Refusal,"
        " CustomTool)]\n"
        "raw['input'].append({'type': 'function_call', 'call_id': 'c1', 'name': 'f',"
        " 'arguments': '{}'})\n"
        "raw['tool_choice'] = {'type': 'function', 'name': 'f'}\n"
        "out = wireshift.translate_request(json.dumps(raw), to='chat', profile='vllm')\n"
        "calls = [c for m in out.data['messages'] for c in m.get('tool_calls') or ()]\n"
        "print(json.dumps([first, calls, out.data['tool_choice']]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, calls, choice = json.loads(done.stdout)
    assert first == [True, True, False, False, False, False, True, False, False, False]
    assert calls == [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]
    assert choice == {"type": "function", "function": {"name": "f"}}


def test_more_members_load_only_when_a_tag_is_none_of_the_unions_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class A(WireModel):
        type: Literal["a"] = "a"

    class Other(WireModel):
        type: str

    class Rare(WireModel):
        type: Literal["rare"] = "rare"
        n: int

    loaded: list[str] = []

    class RareModule(types.ModuleType):
        def __getattr__(self, name: str) -> Any:
            if name != "KINDS":
                raise AttributeError(name)
            loaded.append(name)
            return (Rare,)

    monkeypatch.setitem(sys.modules, "wireshift_test_rare_kinds", RareModule("rare"))

    class Box(WireModel):
        things: Annotated[
            list[Annotated[A | Other, TypeTagged()]],
            MembersOnDemand(more="wireshift_test_rare_kinds"),
        ]

    box = Box.model_validate({"things": [{"type": "a"}, {"type": "a"}]})
    assert [type(t) for t in box.things] == [A, A]
    assert loaded == []
    box = Box.model_validate({"things": [{"type": "a"}, {"type": "rare", "n": 1}]})
    assert [type(t) for t in box.things] == [A, Rare]
    assert loaded == ["KINDS"]
    with pytest.raises(ValidationError) as bad:
        Box.model_validate({"things": [{"type": "rare", "n": "x"}]})
    assert [e["loc"] for e in bad.value.errors()] == [("things", 0, "@rare", "n")]
    box = Box.model_validate({"things": [{"type": "unheard", "k": 1}]})
    assert type(box.things[0]) is Other
    assert box.to_dict() == {"things": [{"type": "unheard", "k": 1}]}
    assert loaded == ["KINDS"]  # loaded once
    assert "Rare" in Box.model_json_schema()["$defs"]


def test_the_request_kinds_and_the_later_kinds_are_the_whole_unions() -> None:
    """The unions of every kind are written out for type checkers; the request validates
    with the kinds of ``_items``/``_tools`` and loads the others on demand: the lists must
    hold exactly the union's members, each once, the fallback last."""
    from wireshift._model import union_members
    from wireshift.responses import (
        _hosted_items,
        _hosted_tools,
        _items,
        _shell_items,
        _tool_choices,
        _tools,
    )
    from wireshift.responses._item_union import Item
    from wireshift.responses._tool_union import Tool

    for union, here, later in (
        (Item, _items, (_shell_items, _hosted_items)),
        (Tool, _tools, (_hosted_tools,)),
    ):
        tags, fallback = union_members(union)
        assert here.KINDS[-1] is fallback
        listed = [*here.KINDS[:-1], *(kind for module in later for kind in module.KINDS)]
        assert len(listed) == len(set(listed))
        assert set(listed) == set(tags.values())
    # the object tool choices: the fallback in _tools, the others loaded on demand
    tags, fallback = union_members(_tool_choices.SpecificToolChoice)
    assert fallback is _tools.UnknownToolChoice
    assert set(_tool_choices.KINDS) == set(tags.values())


def test_every_schema_of_one_annotation_shares_its_validators(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A request model, its subclass and an adapter of the list type hold one annotation: a
    kind's validator is built once for all of them."""
    import wireshift._model as model

    lazy_model, _, _ = _models()
    field_type = lazy_model.model_fields["things"].annotation
    built: list[Any] = []

    def counting_adapter(type_: Any) -> TypeAdapter[Any]:
        built.append(type_)
        return TypeAdapter(type_)

    monkeypatch.setattr(model, "TypeAdapter", counting_adapter)
    body = {"things": [{"type": "a", "x": 1}], "one": {"type": "b"}}
    lazy_model.model_validate(body)
    # the list's validator and the single value's: known tags need no union with a fallback
    assert len(built) == 2

    class Later(lazy_model):  # type: ignore[misc,valid-type]
        pass

    Later.model_validate(body)
    TypeAdapter(field_type).validate_python(body["things"])
    assert len(built) == 2
