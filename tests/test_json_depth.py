"""The nesting check that guards every JSON body: exact at every limit, for any shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, strategies as st

from wireshift import NestingTooDeepError
from wireshift._json import check_depth, load_json, too_deep

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=2), inner, max_size=4)
    ),
    max_leaves=40,
)


def depth(value: Any) -> int:
    """Levels of objects and arrays, the plain recursive way."""
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, (list, tuple)):
        return 1 + max(map(depth, value), default=0)
    return 0


@given(values)
def test_too_deep_agrees_with_the_recursive_depth_at_every_limit(value: Any) -> None:
    levels = depth(value)
    for limit in range(1, levels + 2):
        assert too_deep(value, limit) is (levels > limit)


@given(values.filter(lambda v: not isinstance(v, tuple)))
def test_check_depth_with_the_text_refuses_exactly_what_is_too_deep(value: Any) -> None:
    text = json.dumps(value)
    levels = depth(json.loads(text))
    for limit in range(1, levels + 2):
        if levels > limit:
            with pytest.raises(NestingTooDeepError):
                check_depth(json.loads(text), text, what="body", max_depth=limit)
        else:
            check_depth(json.loads(text), text, what="body", max_depth=limit)


def test_a_body_at_the_limit_loads_and_one_level_more_is_refused() -> None:
    at_limit = "[" * 128 + "]" * 128
    assert depth(load_json(at_limit, what="body")) == 128
    with pytest.raises(NestingTooDeepError):
        load_json("[" + at_limit + "]", what="body")
    deep_object = '{"a":' * 129 + "1" + "}" * 129
    with pytest.raises(NestingTooDeepError):
        load_json(deep_object.encode(), what="body")
