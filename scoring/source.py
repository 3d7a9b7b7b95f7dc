"""Read a YAML or JSON file into plain Python data, remembering where each value sat.

Only the safe subset of YAML is used: no tags that build objects, and no
anchors or aliases at all (they are how "billion laughs" files blow up, and a
rubric has no need for them). Every refusal is an :class:`InputFileError`
naming the file, the line and the column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import InputFileError, Problem

__all__ = ["MAX_FILE_BYTES", "Document", "Key", "load_document", "parse_document"]

#: Files larger than this are refused before parsing: no rubric or answers file comes close.
MAX_FILE_BYTES = 1_000_000

Key = str | int
PathTuple = tuple[Key, ...]


@dataclass
class Document:
    """Parsed data plus the 1-based (line, column) of every mapping key and list item."""

    data: Any
    file: str
    positions: dict[PathTuple, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def position(self, path: PathTuple) -> tuple[int, int]:
        """Position of ``path`` or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(tuple(path[:end]))
            if found:
                return found
        return (0, 0)


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases where they are used."""

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            mark = event.start_mark
            raise _Refusal(
                mark.line + 1,
                mark.column + 1,
                f"YAML aliases (*{event.anchor}) are not allowed; write the value out in full",
            )
        node: Node = Composer.compose_node(self, parent, index)  # type: ignore[assignment]
        return node


class _Refusal(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def load_document(path: str | Path, *, display_name: str | None = None) -> Document:
    """Read ``path`` (YAML or JSON) with the size, encoding and shape checks."""
    name = display_name or str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputFileError(Problem("file not found", file=name)) from None
    except IsADirectoryError:
        raise InputFileError(
            Problem("is a directory; expected a YAML or JSON file", file=name)
        ) from None
    except OSError as exc:
        raise InputFileError(Problem(f"cannot be read: {exc.strerror}", file=name)) from None
    return parse_document(raw, name)


def parse_document(raw: bytes | str, file: str) -> Document:
    """Parse bytes or text (YAML; JSON is read as the YAML subset it is)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_FILE_BYTES:
        raise InputFileError(
            Problem(
                f"file is larger than the {MAX_FILE_BYTES // 1_000_000} MB limit; "
                "expected a rubric or answers file of a few kilobytes",
                file=file,
            )
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputFileError(
            Problem(
                f"not a text file (NUL byte at offset {nul}); expected YAML or JSON text", file=file
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(
            Problem(
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); expected UTF-8 text",
                file=file,
                line=line,
                column=exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1,
            )
        ) from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise InputFileError(
            Problem("file is empty; expected a mapping of keys to values", file=file)
        )
    if file.lower().endswith(".json"):
        _check_json_syntax(text, file)
    # Tabs are legal JSON whitespace but not YAML indentation; outside strings they mean nothing.
    text = _untab(text)
    try:
        loader = _NoAliasLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except _Refusal as refusal:
        raise InputFileError(
            Problem(refusal.message, file=file, line=refusal.line, column=refusal.column)
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or "invalid syntax"
        if exc.context:
            detail = f"{exc.context}, {detail}"
        raise InputFileError(
            Problem(
                f"YAML syntax error: {detail}",
                file=file,
                line=(mark.line + 1) if mark else 0,
                column=(mark.column + 1) if mark else 0,
            )
        ) from None
    except yaml.YAMLError as exc:
        raise InputFileError(Problem(f"YAML syntax error: {exc}", file=file)) from None
    if node is None:
        raise InputFileError(
            Problem("file is empty; expected a mapping of keys to values", file=file)
        )
    if not isinstance(node, MappingNode):
        raise InputFileError(
            Problem(
                f"expected a mapping (key: value lines) at the top level, found {_node_kind(node)}",
                file=file,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
            )
        )
    doc = Document(data=None, file=file)
    constructor = yaml.SafeLoader("")
    doc.data = _to_python(node, (), doc, constructor)
    if doc.problems:
        raise InputFileError(doc.problems)
    return doc


def _check_json_syntax(text: str, file: str) -> None:
    """JSON files get JSON's own error messages (YAML would accept some invalid JSON)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            Problem(f"JSON syntax error: {exc.msg}", file=file, line=exc.lineno, column=exc.colno)
        ) from None


def _untab(text: str) -> str:
    if "\t" not in text:
        return text
    out: list[str] = []
    quote = ""
    escaped = False
    for ch in text:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = ""
            elif ch == "\n":
                quote = "" if quote == "'" else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "\t":
            ch = " "
        out.append(ch)
    return "".join(out)


def _node_kind(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, ScalarNode):
        return f"a single value {node.value!r}"
    return "a mapping"


_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
}


def _flag(doc: Document, node: Node, message: str) -> None:
    mark = node.start_mark
    doc.problems.append(Problem(message, file=doc.file, line=mark.line + 1, column=mark.column + 1))


def _to_python(node: Node, path: PathTuple, doc: Document, constructor: yaml.SafeLoader) -> Any:
    if node.tag not in _PLAIN_TAGS:
        _flag(
            doc,
            node,
            f"unsupported YAML tag {node.tag!r}; expected plain text, numbers, lists and mappings",
        )
        return None
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                _flag(doc, key_node, "expected a plain key, found a nested structure used as a key")
                continue
            key = constructor.construct_object(key_node)
            if not isinstance(key, str | int) or isinstance(key, bool):
                key = str(key_node.value)
            child = (*path, key)
            if key in result:
                first = doc.positions.get(child, (0, 0))
                _flag(doc, key_node, f"duplicate key {key!r} (first defined on line {first[0]})")
                continue
            doc.positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _to_python(value_node, child, doc, constructor)
        return result
    if isinstance(node, SequenceNode):
        items: list[Any] = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            doc.positions[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_to_python(item, child, doc, constructor))
        return items
    return constructor.construct_object(node)
