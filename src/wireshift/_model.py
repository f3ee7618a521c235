"""The base of every wire model, and unions tagged by a field with a fallback for unknown tags.

Three rules hold for every model built on :class:`WireModel`:

* unknown fields are kept and dumped back unchanged (``extra="allow"``);
* dumping omits whatever was never set, so parse-then-dump gives the payload back;
* a model built in code (not parsed) always emits its ``type`` tag.
"""

import importlib
from collections.abc import Callable, Mapping
from functools import cached_property
from itertools import repeat
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    GetCoreSchemaHandler,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import CoreSchema, PydanticSerializationError, SchemaValidator, core_schema
from typing_extensions import Self

from ._errors import PayloadError
from ._json import escaped_json_text, load_json, model_data, model_json

__all__ = [
    "UNKNOWN_TAG",
    "JSONInput",
    "MembersOnDemand",
    "TypeTagged",
    "UnionParser",
    "WireModel",
    "by_json_kind",
    "empty_list",
    "union_members",
]

UNKNOWN_TAG = "@unknown"

JSONInput = bytes | bytearray | str | Mapping[str, Any] | BaseModel
"""What every ``parse`` accepts: JSON bytes or text, a mapping, or any Pydantic model
(a wireshift model, or one of the openai SDK's)."""

T = TypeVar("T")


def empty_list() -> list[Any]:
    """``default_factory`` for a field that defaults to an empty list.

    Not ``list`` itself: pydantic reads a factory's signature when it builds a schema, and a
    builtin's is parsed from its text form with ``tokenize``, whose first use in a process
    compiles its patterns (3-6 ms of a fresh worker's first request).
    """
    return []


class WireModel(BaseModel):
    """A wire object that keeps unknown fields and dumps only what was set."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        defer_build=True,
        protected_namespaces=(),
        ser_json_bytes="base64",
        val_json_bytes="base64",
    )

    # Fields whose default is the object's tag: a model built in code emits them,
    # since a payload without its `type` is a different payload.
    _emit_defaults: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._emit_defaults = frozenset(
            name
            for name, field in cls.model_fields.items()
            if name in ("type", "object", "role") and isinstance(field.default, str)
        )

    def __init__(self, /, **data: Any) -> None:
        super().__init__(**data)
        # Runs only for models built in code: parsing does not call __init__,
        # so a parsed payload dumps back exactly as it came.
        if self._emit_defaults:
            self.__pydantic_fields_set__.update(self._emit_defaults)

    # Tell pydantic this __init__ is its own, so validation keeps skipping it.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def parse(cls, data: JSONInput) -> Self:
        """Parse JSON bytes or text, a mapping, or another Pydantic model.

        Raises :class:`~wireshift.PayloadError` naming the first bad field.
        """
        if isinstance(data, cls):
            return data
        try:
            if isinstance(data, (bytes, bytearray, str)):
                try:
                    return cls.model_validate_json(data)
                except ValidationError as exc:
                    if not _json_refused(exc):
                        raise
                # pydantic's parser refuses lone surrogates and deep nesting, json reads them
                data = load_json(data, what=cls.__name__)
            elif isinstance(data, BaseModel):
                data = _dump_foreign(data)
            return cls.model_validate(data)
        except ValidationError as exc:
            raise PayloadError.from_validation(exc, cls.__name__) from None

    def to_dict(self) -> dict[str, Any]:
        """The JSON body as Python data: only fields that were set, unknown ones included."""
        return model_data(self, by_alias=True, exclude_unset=True)  # type: ignore[no-any-return]

    def to_json(self) -> bytes:
        """The JSON body to send: compact UTF-8 bytes with only fields that were set (a lone
        surrogate written as its ``\\uXXXX`` escape)."""
        return model_json(self)

    def model_dump_json(self, **kwargs: Any) -> str:
        """pydantic's ``model_dump_json``, except that a lone UTF-16 surrogate from the wire
        (``"\\ud800"``) is written as its ``\\uXXXX`` escape instead of raising."""
        try:
            return super().model_dump_json(**kwargs)
        except PydanticSerializationError:
            indent = kwargs.pop("indent", None)
            kwargs.pop("ensure_ascii", None)
            data = model_data(self, **kwargs)
        return escaped_json_text(data, type(self).__name__, indent)

    @property
    def extra_fields(self) -> dict[str, Any]:
        """Fields the model does not declare, kept as they came."""
        return dict(self.__pydantic_extra__ or {})


def _json_refused(error: ValidationError) -> bool:
    """Whether pydantic refused JSON text as a whole (not a field in it)."""
    errors = error.errors(include_url=False, include_input=False)
    return len(errors) == 1 and errors[0]["type"] == "json_invalid"


def _dump_foreign(model: BaseModel) -> dict[str, Any]:
    if isinstance(model, WireModel):
        return model.to_dict()
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _literal_values(annotation: Any) -> tuple[str, ...]:
    if get_origin(annotation) is Literal:
        return tuple(v for v in get_args(annotation) if isinstance(v, str))
    return ()


def _members(annotation: Any) -> tuple[type[WireModel], ...]:
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if isinstance(annotation, type):  # Union[X] is X
        return (annotation,)
    return tuple(m for m in get_args(annotation) if isinstance(m, type))


def union_members(
    annotation: Any, key: str = "type"
) -> tuple[dict[str, type[WireModel]], type[WireModel]]:
    """Split a tagged union into ``{tag: model}`` and its fallback model (the one whose
    ``key`` is a plain ``str``)."""
    tags: dict[str, type[WireModel]] = {}
    fallback: type[WireModel] | None = None
    for model in _members(annotation):
        values = _literal_values(model.model_fields[key].annotation)
        if not values:
            if fallback is not None:
                raise TypeError(f"two fallback members: {fallback.__name__}, {model.__name__}")
            fallback = model
        for value in values:
            if value in tags:
                raise TypeError(f"tag {value!r} on {tags[value].__name__} and {model.__name__}")
            tags[value] = model
    if fallback is None:
        raise TypeError("a tagged union needs one member whose tag is a plain str")
    return tags, fallback


class TypeTagged:
    """Annotation that validates a ``Union`` of models by their ``key`` literal.

    Use as ``Annotated[Union[A, B, UnknownThing], TypeTagged()]``: a payload goes to the
    member whose ``key`` literal matches, and one with an unknown tag goes to the member
    whose ``key`` is a plain ``str``, keeping every field. ``infer`` names the tag of a
    payload that has no ``key`` at all (Responses messages may omit ``type``).
    ``on_demand=True`` builds the validators of members only when a value of theirs shows
    up, and ``more`` names modules of further members, as in :class:`MembersOnDemand`.
    """

    def __init__(
        self,
        key: str = "type",
        infer: Callable[[Mapping[str, Any]], str | None] | None = None,
        *,
        on_demand: bool = False,
        more: str | tuple[str, ...] | None = None,
    ) -> None:
        self.key = key
        self.infer = infer
        self.on_demand = on_demand
        self.more = more
        self._seen: dict[Any, _MembersSeen] = {}
        self._choice: dict[str, str] = {}
        self._tag_of: dict[type[Any], str] = {}

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        if self.on_demand:  # one validator state per union, as in MembersOnDemand
            seen = self._seen.get(source)
            if seen is None:
                seen = self._seen[source] = _MembersSeen(source, self, False, self.more)
            return seen.schema()
        tags, fallback = union_members(source, self.key)
        self._choice = {tag: f"@{tag}" for tag in tags}
        for tag, model in tags.items():
            self._tag_of.setdefault(model, self._choice[tag])
        schemas: dict[type[WireModel], CoreSchema] = {}
        for model in (*tags.values(), fallback):
            if model not in schemas:
                schemas[model] = handler.generate_schema(model)
        choices: dict[str, CoreSchema] = {f"@{tag}": schemas[m] for tag, m in tags.items()}
        choices[UNKNOWN_TAG] = schemas[fallback]
        return core_schema.tagged_union_schema(choices, discriminator=self._discriminator())

    def _discriminator(self) -> Callable[[Any], str]:
        """The union's discriminator: the member tag of a payload (a mapping, or a model by
        its tag, or its class when the tag was inferred). It reads nothing from ``self`` when
        called: histories call it for every item and content part."""
        key, infer, choice, tag_of = self.key, self.infer, self._choice, self._tag_of

        def discriminate(value: Any) -> str:
            if type(value) is dict or isinstance(value, Mapping):
                tag = value.get(key)
                if tag is None and infer is not None:
                    tag = infer(value)
            else:
                tag = getattr(value, key, None)
                if tag is None:  # a model parsed from a payload whose tag was inferred
                    return tag_of.get(type(value), UNKNOWN_TAG)
            # Tags carry an "@" so error paths can tell them from field names; a tag that is
            # not a string (an object, a list) is an unknown one, for the fallback to refuse
            # or keep.
            return choice.get(tag, UNKNOWN_TAG) if type(tag) is str else UNKNOWN_TAG

        return discriminate


class MembersOnDemand:
    """Annotation for a ``list`` of a :class:`TypeTagged` union that validates each list with
    a validator of only the members seen so far (see ``TypeTagged(on_demand=True)`` for a
    single value).

    A request's validator otherwise holds every member's schema (a Responses request: 34
    item kinds, 17 tool kinds, 13 content part kinds in each message), all built on the first
    call of a fresh process for a body that holds a few of them. Here a list with a member
    not seen before builds a validator for the members seen so far; a list of tags already
    seen goes straight to it (a set of its tags, then one Rust call). Validation, errors,
    serialization and the JSON schema are the union's own.

    ``more`` names a module (or several) whose ``KINDS`` tuple holds further members: they
    are imported the first time a value's tag is none of the union's own, so that classes a
    body rarely holds are not even defined before one shows up.
    """

    def __init__(self, more: str | tuple[str, ...] | None = None) -> None:
        self.more = more
        # One validator state per union, shared by every schema that holds this annotation
        # (a request model, its subclasses, an adapter of the list type), so that each kind's
        # validator is built once.
        self._seen: dict[Any, _MembersSeen] = {}

    @staticmethod
    def list_of(
        tagged: TypeTagged, kinds: tuple[type[Any], ...], more: str | tuple[str, ...]
    ) -> Any:
        """The type of a list of the union of ``kinds`` (tagged by ``tagged``) and of the
        ``KINDS`` of module ``more`` (or modules), loaded when first needed."""
        union: Any = Annotated[Union[kinds], tagged]  # noqa: UP007
        return Annotated[list[union], MembersOnDemand(more=more)]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        seen = self._seen.get(source)
        if seen is None:
            (union,) = get_args(source)
            marker = next(m for m in get_args(union)[1:] if isinstance(m, TypeTagged))
            seen = self._seen[source] = _MembersSeen(union, marker, many=True, more=self.more)
        return seen.schema()


_Validate = Callable[..., Any]
_State = tuple[_Validate, frozenset[str], frozenset[type["WireModel"]], _Validate, frozenset[str]]
_ANY_LIST = SchemaValidator(core_schema.list_schema(core_schema.any_schema())).validate_python


class _MembersSeen:
    """The validator of one :class:`MembersOnDemand` field, grown as members show up."""

    def __init__(
        self, union: Any, marker: TypeTagged, many: bool, more: str | tuple[str, ...] | None = None
    ) -> None:
        self.many = many
        self.more = more
        self.key = marker.key
        self.infer = marker.infer
        self.tags, self.fallback = union_members(union, marker.key)
        self.order = (*dict.fromkeys(self.tags.values()), self.fallback)
        # One tuple, replaced whole, so that a thread never pairs a validator with the tags
        # of another: the union's validator, the tags that go straight to it (those of its
        # members, and unknown ones, which go to the fallback), its members, and for values
        # whose tags are all members' tags, the validator that reads them in Rust and those
        # tags.
        self.state: _State | None = None

    def schema(self) -> CoreSchema:
        # A plain function: a wrap would make a handler object for every value. Serialized
        # as what each value is: a model infers its own serializer, with the caller's
        # settings (exclude_unset, by_alias, mode).
        return core_schema.no_info_plain_validator_function(
            self.validate, metadata={"pydantic_js_functions": [self.json_schema]}
        )

    def validate(self, value: Any) -> Any:
        if self.many and type(value) is not list:
            value = _ANY_LIST(value)  # a list of something, or the error saying it is not one
        values = value if self.many else (value,)
        try:
            tags: frozenset[Any] | None = frozenset(map(dict.get, values, repeat(self.key)))
        except TypeError:  # not a dict (a model built in code), or an unhashable tag
            tags = None
        state = self.state
        if state is None or tags is None or not tags <= state[1]:
            state = self._grow(values, tags)
        if tags is not None and tags <= state[4]:
            # Every tag is a member's: pydantic-core reads them itself, without calling the
            # union's discriminator for each value.
            try:
                return state[3](value)
            except ValidationError:
                pass  # the union's own validator raises it again, with the paths it gives
        return state[0](value)

    def json_schema(self, _: CoreSchema, handler: Any) -> Any:
        self._load_more()
        return handler(TypeAdapter(self._union(self.order)).core_schema)

    def _union(self, members: tuple[type[WireModel], ...]) -> Any:
        union: Any = Annotated[Union[members], TypeTagged(self.key, self.infer)]  # noqa: UP007
        return list[union] if self.many else union

    def _load_more(self) -> None:
        if self.more is None:
            return
        modules = (self.more,) if isinstance(self.more, str) else self.more
        kinds: tuple[type[WireModel], ...] = tuple(
            kind for module in modules for kind in importlib.import_module(module).KINDS
        )
        tags = dict(self.tags)
        for model in kinds:
            for tag in _literal_values(model.model_fields[self.key].annotation):
                tags[tag] = model
        self.order = (*self.order[:-1], *kinds, self.fallback)
        self.tags, self.more = tags, None

    def _member(self, value: Any) -> type[WireModel]:
        if isinstance(value, Mapping):
            tag = value.get(self.key)
            if tag is None and self.infer is not None:
                tag = self.infer(value)
        else:
            tag = getattr(value, self.key, None)
            if tag is None and isinstance(value, WireModel):
                self._load_more()
                if type(value) in self.order:
                    return type(value)
        if type(tag) is not str:
            return self.fallback
        if tag not in self.tags:
            self._load_more()
        return self.tags.get(tag, self.fallback)

    def _grow(self, values: Any, tags: frozenset[Any] | None) -> _State:
        needed = set(map(self._member, values))
        state = self.state
        if state is None or not needed <= state[2]:
            covered = needed.union({self.fallback}, state[2] if state else ())
            members = tuple(m for m in self.order if m in covered)
            for member in members:
                # A model serializes by its own serializer (the field's is `any`), and the
                # union below reuses the member's finished schema.
                if not member.__pydantic_complete__:
                    member.model_rebuild()
            union = self._union(members)
            # Built when first needed (a value with an unknown or missing tag, or an error to
            # report): a list of known tags goes to the validator below.
            made = _built_on_first_call(lambda: TypeAdapter(union).validator.validate_python)
            known = {t: m for t, m in self.tags.items() if m in covered}
            native = made
            if known:
                by_tag: Any = _known_tag_union(tuple(dict.fromkeys(known.values())), self.key)
                adapter = TypeAdapter(list[by_tag] if self.many else by_tag)
                native = adapter.validator.validate_python
            ready = frozenset(known)
            state = (made, ready, frozenset(covered), native, ready)
        if tags is not None:
            # a missing tag is inferred value by value, so it never goes straight
            ready = state[1] | {t for t in tags if type(t) is str}
            state = (state[0], ready, *state[2:])
        self.state = state
        return state


def _built_on_first_call(build: Callable[[], _Validate]) -> _Validate:
    built: list[_Validate] = []

    def validate(value: Any) -> Any:
        if not built:
            # (an adapter of one model is deferred like the model: `validator` builds it)
            built.append(build())
        return built[0](value)

    return validate


def _known_tag_union(models: tuple[type[WireModel], ...], key: str) -> Any:
    """The union of ``models`` read by pydantic-core's own lookup of their ``key`` literals:
    for payloads whose tags are all theirs (no fallback, no inferred tag, no Python call)."""
    if len(models) == 1:
        return models[0]
    return Annotated[Union[models], Field(discriminator=key)]  # noqa: UP007


JSONKind = Literal["str", "list", "dict"]


def by_json_kind(*kinds: JSONKind) -> Discriminator:
    """Discriminator for a ``str | list | object`` union whose branches are tagged with
    ``Tag("str")``, ``Tag("list")``, ``Tag("dict")``.

    A plain union tries every branch and reports a bad value against all of them
    (``content: Input should be a valid string``); routing by the value's JSON kind reports
    it at its own path (``content[0].text``). A value of no listed kind goes to the last
    branch, so the error says what was expected.
    """

    def kind(value: Any) -> str:
        if isinstance(value, str):
            found = "str"
        elif isinstance(value, (list, tuple)):
            found = "list"
        else:
            found = "dict"
        return found if found in kinds else kinds[-1]

    return Discriminator(kind)


class UnionParser(Generic[T]):
    """Parses one tagged union fast: a plain string discriminator in Rust for known tags,
    and the full union (unknown tags, inferred tags, clean error paths) only when that fails.
    Adapters are built on first use, once per process.

    ``annotation`` may be a ``"module:name"`` path, imported on first use, for a union whose
    members a package defines only when they are needed."""

    def __init__(self, annotation: Any, name: str) -> None:
        self._given = annotation
        self.name = name

    @cached_property
    def annotation(self) -> Any:
        given = self._given
        if isinstance(given, str):
            module, _, attribute = given.partition(":")
            return getattr(importlib.import_module(module), attribute)
        return given

    @cached_property
    def key(self) -> str:
        marker = next(m for m in get_args(self.annotation)[1:] if isinstance(m, TypeTagged))
        return marker.key

    @cached_property
    def _full(self) -> TypeAdapter[T]:
        return TypeAdapter(self.annotation)

    @cached_property
    def _known(self) -> TypeAdapter[Any]:
        models = tuple(dict.fromkeys(self.tags.values()))
        return TypeAdapter(_known_tag_union(models, self.key))

    @cached_property
    def tags(self) -> dict[str, type[WireModel]]:
        return union_members(self.annotation, self.key)[0]

    @cached_property
    def parse_known_json(self) -> Callable[[str | bytes], T]:
        """JSON text of a known tag straight to pydantic-core, for hot loops: what
        :meth:`parse` returns when the payload is valid, else a ``ValidationError`` (then
        :meth:`parse` says what is wrong, or reads an unknown tag)."""
        validator = self._known.validator
        if isinstance(validator, SchemaValidator):
            return validator.validate_json
        return self._known.validate_json  # pragma: no cover - adapters are built eagerly

    def parse(self, data: JSONInput) -> T:
        """Parse one payload into its member model; unknown tags into the fallback."""
        if isinstance(data, WireModel):
            return data  # type: ignore[return-value]
        payload: bytes | bytearray | str | Mapping[str, Any]
        payload = _dump_foreign(data) if isinstance(data, BaseModel) else data
        try:
            return self._validate(self._known, payload)
        except ValidationError as exc:
            if isinstance(payload, (bytes, bytearray, str)) and _json_refused(exc):
                payload = load_json(payload, what=self.name)
        # Unknown or missing tag, or a real error: the full union says which, with clean paths.
        try:
            return self._validate(self._full, payload)
        except ValidationError as exc:
            raise PayloadError.from_validation(exc, self.name) from None

    @staticmethod
    def _validate(
        adapter: TypeAdapter[Any], data: bytes | bytearray | str | Mapping[str, Any]
    ) -> T:
        if isinstance(data, (bytes, bytearray, str)):
            return adapter.validate_json(data)  # type: ignore[no-any-return]
        return adapter.validate_python(data)  # type: ignore[no-any-return]

    def dump(self, value: T) -> dict[str, Any]:
        """The value as JSON-ready data, omitting what was never set."""
        return self._full.dump_python(value, mode="json", by_alias=True, exclude_unset=True)  # type: ignore[no-any-return]
