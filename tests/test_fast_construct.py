"""``construct`` (the stream translators' way of building the models they write) against
pydantic's own ``model_construct``: the same instance state, field by field, for the models
the translators build, with and without the fields that have defaults or default factories.

Nothing here is an expected output: each case builds both and compares them.
"""

from __future__ import annotations

from typing import Any

import pytest

from wireshift.chat import ChunkDelta, FunctionCallDelta
from wireshift.responses import (
    CustomToolCall,
    FunctionCall,
    Message,
    OutputText,
    ReasoningItem,
    ReasoningText,
    Refusal,
    SummaryText,
)
from wireshift.translate._fast import construct

CASES: list[tuple[type[Any], dict[str, Any]]] = [
    (Message, {"type": "message", "id": "msg_1", "role": "assistant", "status": "in_progress"}),
    (Message, {"type": "message", "id": "msg_1", "role": "assistant", "content": []}),
    (ReasoningItem, {"type": "reasoning", "id": "rs_1", "summary": []}),
    (ReasoningItem, {"type": "reasoning", "id": "rs_1", "encrypted_content": "e", "status": "x"}),
    (OutputText, {"type": "output_text", "text": "hi", "annotations": [], "logprobs": []}),
    (OutputText, {"type": "output_text", "text": "hi"}),
    (Refusal, {"type": "refusal", "refusal": "no"}),
    (SummaryText, {"type": "summary_text", "text": "hm"}),
    (ReasoningText, {"type": "reasoning_text", "text": "hm"}),
    (
        FunctionCall,
        {
            "type": "function_call",
            "id": "fc_1",
            "call_id": "c",
            "name": "f",
            "arguments": "{}",
            "status": "completed",
            "namespace": "ns",
        },
    ),
    (
        CustomToolCall,
        {
            "type": "custom_tool_call",
            "id": "ctc_1",
            "call_id": "c",
            "name": "p",
            "input": "",
            "status": "in_progress",
        },
    ),
    (ChunkDelta, {"content": "x"}),
    (ChunkDelta, {}),
    (FunctionCallDelta, {"arguments": "{"}),
]


@pytest.mark.parametrize(("cls", "fields"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_construct_makes_what_model_construct_makes(cls: type[Any], fields: dict[str, Any]) -> None:
    ours = construct(cls, dict(fields))
    theirs = cls.model_construct(**fields)
    assert type(ours) is cls
    assert ours.__dict__ == theirs.__dict__
    assert list(ours.__dict__) == list(theirs.__dict__)  # field order: the JSON's order
    assert ours.__pydantic_fields_set__ == theirs.__pydantic_fields_set__
    assert ours.__pydantic_extra__ == theirs.__pydantic_extra__
    assert ours.__pydantic_private__ == theirs.__pydantic_private__
    for unset in (True, False):
        assert ours.model_dump_json(by_alias=True, exclude_unset=unset) == theirs.model_dump_json(
            by_alias=True, exclude_unset=unset
        )


def test_default_factories_give_each_instance_its_own_value() -> None:
    first = construct(Message, {"type": "message", "role": "assistant"})
    second = construct(Message, {"type": "message", "role": "assistant"})
    assert isinstance(first.content, list)
    first.content.append(construct(OutputText, {"type": "output_text", "text": "a"}))
    assert second.content == []
