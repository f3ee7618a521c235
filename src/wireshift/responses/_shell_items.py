"""The calls of the tools a client runs for the model (local shell, shell, apply patch) and
their outputs.

Members of :data:`~wireshift.responses.Item` like any other; this module is loaded the first
time a body holds one (or one of its names is asked for): most requests (Codex's own among
them) hold none, and a fresh worker then does not define them.
"""

# Annotations stay objects (no `from __future__ import annotations`): see _items.py.

from typing import Annotated, Any, Literal

from pydantic import Field

from .._model import TypeTagged, WireModel, empty_list

__all__ = [
    "ApplyPatchCall",
    "ApplyPatchCallOutput",
    "ApplyPatchCreateFile",
    "ApplyPatchDeleteFile",
    "ApplyPatchOperation",
    "ApplyPatchUpdateFile",
    "LocalShellAction",
    "LocalShellCall",
    "LocalShellCallOutput",
    "ShellAction",
    "ShellCall",
    "ShellCallOutput",
    "ShellOutputChunk",
    "UnknownApplyPatchOperation",
]


class LocalShellAction(WireModel):
    """The command a ``local_shell`` tool call runs."""

    type: Literal["exec"] = "exec"
    command: list[str]
    env: dict[str, str]
    timeout_ms: int | None = None
    working_directory: str | None = None
    user: str | None = None


class LocalShellCall(WireModel):
    """A call of the ``local_shell`` tool."""

    type: Literal["local_shell_call"] = "local_shell_call"
    id: str | None = None
    call_id: str
    action: LocalShellAction
    status: str | None = None


class LocalShellCallOutput(WireModel):
    """What a ``local_shell`` call printed. ``id`` is the call's id."""

    type: Literal["local_shell_call_output"] = "local_shell_call_output"
    id: str | None = None
    # The spec requires call_id without declaring it; clients do not send it.
    call_id: str | None = None
    output: str | None = None
    status: str | None = None


class ShellAction(WireModel):
    """The commands a ``shell`` tool call runs, with its limits."""

    commands: list[str]
    timeout_ms: int | None = None
    max_output_length: int | None = None


class ShellCall(WireModel):
    """A call of the ``shell`` tool."""

    type: Literal["shell_call"] = "shell_call"
    id: str | None = None
    call_id: str
    action: ShellAction
    caller: dict[str, Any] | None = None
    status: str | None = None
    environment: dict[str, Any] | None = None
    """``{"type": "local"}`` or ``{"type": "container_reference", "container_id": ...}``."""
    created_by: str | None = None


class ShellOutputChunk(WireModel):
    """The output of one command of a ``shell`` call."""

    stdout: str
    stderr: str
    outcome: dict[str, Any]
    """``{"type": "exit", "exit_code": 0}`` or ``{"type": "timeout"}``."""
    created_by: str | None = None


class ShellCallOutput(WireModel):
    """What the commands of a ``shell`` call printed, one chunk per command."""

    type: Literal["shell_call_output"] = "shell_call_output"
    id: str | None = None
    call_id: str
    output: list[ShellOutputChunk] = Field(default_factory=empty_list)
    caller: dict[str, Any] | None = None
    status: str | None = None
    max_output_length: int | None = None
    created_by: str | None = None


class ApplyPatchCreateFile(WireModel):
    """Create ``path`` with the content the ``diff`` adds."""

    type: Literal["create_file"] = "create_file"
    path: str
    diff: str


class ApplyPatchDeleteFile(WireModel):
    """Delete ``path``."""

    type: Literal["delete_file"] = "delete_file"
    path: str


class ApplyPatchUpdateFile(WireModel):
    """Apply ``diff`` to ``path``."""

    type: Literal["update_file"] = "update_file"
    path: str
    diff: str


class UnknownApplyPatchOperation(WireModel):
    """A patch operation of a type wireshift does not know, kept whole."""

    type: str


ApplyPatchOperation = Annotated[
    ApplyPatchCreateFile | ApplyPatchDeleteFile | ApplyPatchUpdateFile | UnknownApplyPatchOperation,
    TypeTagged(),
]
"""One file operation of an ``apply_patch`` call, by its ``type``."""


class ApplyPatchCall(WireModel):
    """A call of the ``apply_patch`` tool: one file operation."""

    type: Literal["apply_patch_call"] = "apply_patch_call"
    id: str | None = None
    call_id: str
    operation: ApplyPatchOperation
    caller: dict[str, Any] | None = None
    status: str | None = None
    """``in_progress`` or ``completed``."""
    created_by: str | None = None


class ApplyPatchCallOutput(WireModel):
    """The result of an ``apply_patch`` call: ``status`` is ``completed`` or ``failed``."""

    type: Literal["apply_patch_call_output"] = "apply_patch_call_output"
    id: str | None = None
    call_id: str
    output: str | None = None
    caller: dict[str, Any] | None = None
    status: str | None = None
    created_by: str | None = None


KINDS = (
    LocalShellCall,
    LocalShellCallOutput,
    ShellCall,
    ShellCallOutput,
    ApplyPatchCall,
    ApplyPatchCallOutput,
)
"""The members of :data:`~wireshift.responses.Item` this module holds."""
