"""Read a YAML or JSON file into plain Python data, remembering where each value sat.

Only the safe subset of YAML is used: no tags that build objects, no merge keys,
and no aliases at all (they are how "billion laughs" files blow up, and a
rubric has no need for them). The document is built from the parser's events
in one pass without recursion, so the limits of :mod:`scoring.limits` (nesting
depth, items per list or mapping, values per file, digits per number) refuse a
hostile file as soon as it crosses one, not after parsing all of it. The fast
libyaml parser is used when PyYAML has it (its syntax messages are worded a
little differently from the pure-Python parser's). Every refusal is an
:class:`InputFileError` naming the file, the line and the column.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from .errors import InputFileError, Problem
from .limits import (
    MAX_COLLECTION_ITEMS,
    MAX_FILE_BYTES,
    MAX_INT_DIGITS,
    MAX_KEY_CHARS,
    MAX_NESTING_DEPTH,
    MAX_VALUES,
    forbidden_character,
)

__all__ = ["MAX_FILE_BYTES", "CountLimits", "Document", "Key", "load_document", "parse_document"]

Key = str | int
PathTuple = tuple[Key, ...]
#: Limits on the items of particular lists or mappings, checked while the file is read:
#: a path pattern ("*" stands for any list index) -> (limit, what is counted), e.g.
#: ``{("questions",): (500, "questions in one rubric")}``.
CountLimits = Mapping[tuple[str, ...], tuple[int, str]]


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


class _Refusal(Exception):
    """Stop reading at once: the file crossed a limit or used a refused YAML feature."""

    def __init__(self, event: Event, message: str) -> None:
        super().__init__(message)
        (self.line, self.column), self.message = _position(event), message


def load_document(
    path: str | Path, *, display_name: str | None = None, counts: CountLimits | None = None
) -> Document:
    """Read ``path`` (YAML or JSON) with the size, encoding and shape checks.

    Only regular files are read: a directory, FIFO or device is refused at once
    (opening is non-blocking, so a FIFO never hangs the caller).
    """
    name = display_name or str(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputFileError(Problem("file not found", file=name)) from None
    except IsADirectoryError:
        raise InputFileError(_not_a_file(name, "a directory")) from None
    except OSError as exc:
        raise InputFileError(Problem(f"cannot be read: {exc.strerror}", file=name)) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise InputFileError(_not_a_file(name, _file_kind(mode)))
        with os.fdopen(descriptor, "rb") as handle:
            descriptor = -1
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputFileError(Problem(f"cannot be read: {exc.strerror}", file=name)) from None
    finally:
        if descriptor >= 0:
            os.close(descriptor)
    return parse_document(raw, name, counts=counts)


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _not_a_file(name: str, kind: str) -> Problem:
    return Problem(f"is {kind}; expected a YAML or JSON file", file=name)


def parse_document(raw: bytes | str, file: str, *, counts: CountLimits | None = None) -> Document:
    """Parse bytes or text (YAML; JSON is read as the YAML subset it is).

    ``counts`` adds limits on particular lists and mappings (see :data:`CountLimits`);
    every list and mapping is limited to :data:`~scoring.limits.MAX_COLLECTION_ITEMS`.
    """
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
        text = _join_surrogate_pairs(text)
    # Tabs are legal JSON whitespace but not YAML indentation; outside strings they mean nothing.
    text = _untab(text)
    doc = Document(data=None, file=file)
    events = _EVENT_SOURCE(text)
    try:
        doc.data = _Builder(doc, events, counts or {}).build()
    except _Refusal as refusal:
        raise InputFileError(
            Problem(refusal.message, file=file, line=refusal.line, column=refusal.column)
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or "invalid syntax"
        if exc.context:
            detail = f"{exc.context}, {detail}"
        message = f"YAML syntax error: {detail}"
        if "maximum nesting depth" in detail:  # libyaml's own guard, met while scanning ahead
            message = _TOO_DEEP
        raise InputFileError(
            Problem(
                message,
                file=file,
                line=(mark.line + 1) if mark else 0,
                column=(mark.column + 1) if mark else 0,
            )
        ) from None
    except yaml.YAMLError as exc:
        raise InputFileError(Problem(f"YAML syntax error: {exc}", file=file)) from None
    finally:
        events.dispose()
    if doc.problems:
        raise InputFileError(doc.problems)
    return doc


def _check_json_syntax(text: str, file: str) -> None:
    """JSON files get JSON's own error messages (YAML would accept some invalid JSON).

    Numbers are kept as text here (a 5,000-digit number is the reader's to refuse,
    located), and nesting too deep for this check is left to the reader's depth limit.
    """
    try:
        json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            Problem(f"JSON syntax error: {exc.msg}", file=file, line=exc.lineno, column=exc.colno)
        ) from None
    except RecursionError:
        pass


# A backslash that is not itself escaped, then a JSON surrogate pair such as \ud83d\ude00.
_SURROGATE_PAIR = re.compile(
    r"(?<!\\)((?:\\\\)*)\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"
)


def _join_surrogate_pairs(text: str) -> str:
    """JSON writes a character beyond U+FFFF as two escapes (``json.dumps`` does so for
    every emoji); YAML wants one, ``\\U0001F600``."""
    if "\\u" not in text:
        return text

    def joined(match: re.Match[str]) -> str:
        high, low = int(match.group(2), 16), int(match.group(3), 16)
        code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        return f"{match.group(1)}\\U{code:08X}"

    return _SURROGATE_PAIR.sub(joined, text)


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


# --- building the data from parser events -----------------------------------------------------

_EVENT_SOURCE: Any = getattr(yaml, "CSafeLoader", None) if yaml.__with_libyaml__ else None
_EVENT_SOURCE = _EVENT_SOURCE or yaml.SafeLoader

_YAML = "tag:yaml.org,2002:"
_PLAIN_SCALARS = {_YAML + name for name in ("str", "int", "float", "bool", "null", "timestamp")}
_PLAIN_COLLECTIONS = {None, "!", _YAML + "map", _YAML + "seq"}
_MERGE, _VALUE = _YAML + "merge", _YAML + "value"
_TAG_NAMES = {
    _YAML + "int": "a whole number",
    _YAML + "float": "a number",
    _YAML + "bool": "true or false",
    _YAML + "null": "null",
    _YAML + "timestamp": "a date",
}


class _Resolver(Resolver):
    """YAML 1.1 resolution, plus numbers with an exponent and no dot (``1e5``), as in JSON."""


_Resolver.add_implicit_resolver(
    _YAML + "float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


@dataclass
class _Frame:
    """An open list or mapping while its events are read."""

    container: dict[Key, Any] | list[Any]
    path: PathTuple
    limit: int = MAX_COLLECTION_ITEMS
    what: str = ""
    key: Key = ""
    expecting_key: bool = True
    skip_value: bool = False
    keys: int = 0


class _Builder:
    """Plain data from a stream of YAML events, checking the limits as it goes."""

    def __init__(self, doc: Document, events: Any, counts: CountLimits) -> None:
        self.doc = doc
        self.events = events
        self.counts = counts
        self.resolver = _Resolver()
        self.constructor = SafeConstructor()
        self.stack: list[_Frame] = []
        self.values = 0

    def build(self) -> Any:
        events = self.events
        events.get_event()  # stream start
        if events.check_event(StreamEndEvent):
            raise InputFileError(
                Problem("file is empty; expected a mapping of keys to values", file=self.doc.file)
            )
        events.get_event()  # document start
        first = events.peek_event()
        if not isinstance(first, MappingStartEvent):
            raise _Refusal(
                first,
                "expected a mapping (key: value lines) at the top level, "
                f"found {_event_kind(first)}",
            )
        root = self._node(events.get_event(), ())
        while self.stack:
            event = events.get_event()
            if isinstance(event, SequenceEndEvent | MappingEndEvent):
                self.stack.pop()
            elif isinstance(event, NodeEvent):
                self._child(event)
        events.get_event()  # document end
        if not events.check_event(StreamEndEvent):
            second = events.get_event()
            if isinstance(second, DocumentStartEvent):
                raise _Refusal(
                    second,
                    "a second YAML document (---) starts here; expected one document per file",
                )
        return root

    def _child(self, event: NodeEvent) -> None:
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            index = len(frame.container)
            if index >= frame.limit:
                raise _Refusal(event, _too_many(frame.what or "items in one list", frame.limit))
            path = (*frame.path, index)
            self._locate(path, event)
            frame.container.append(self._node(event, path))
        elif frame.expecting_key:
            self._key(frame, event)
        else:
            frame.expecting_key = True
            if frame.skip_value:
                frame.skip_value = False
                self._count(event)
                self._skip(event)
                return
            frame.container[frame.key] = self._node(event, (*frame.path, frame.key))

    def _key(self, frame: _Frame, event: NodeEvent) -> None:
        frame.keys += 1
        if frame.keys > frame.limit:
            raise _Refusal(event, _too_many(frame.what or "keys in one mapping", frame.limit))
        self._count(event)
        frame.expecting_key = False
        frame.skip_value = True
        if isinstance(event, AliasEvent):
            raise _Refusal(event, _alias(event))
        if not isinstance(event, ScalarEvent):
            self._flag(event, "expected a plain key, found a nested structure used as a key")
            self._skip(event)
            return
        tag = self._scalar_tag(event)
        if tag == _MERGE:
            self._flag(event, "YAML merge keys (<<) are not allowed; write the keys out in full")
            return
        if tag not in _PLAIN_SCALARS:
            self._flag(event, f"unsupported YAML tag {tag!r} on a key; expected a plain key")
            return
        key = self._scalar(event, tag)
        if key is _BAD:
            return
        if not isinstance(key, str | int) or isinstance(key, bool):
            key = str(event.value)
        if isinstance(key, str) and len(key) > MAX_KEY_CHARS:
            self._flag(event, f"a key of {len(key):,} characters; expected at most {MAX_KEY_CHARS}")
            return
        assert isinstance(frame.container, dict)
        child = (*frame.path, key)
        if key in frame.container:
            first = self.doc.positions.get(child, (0, 0))
            self._flag(event, f"duplicate key {key!r} (first defined on line {first[0]})")
            return
        self._locate(child, event)
        frame.key = key
        frame.skip_value = False

    def _node(self, event: NodeEvent, path: PathTuple) -> Any:
        """The value ``event`` starts; a list or mapping is opened on the stack."""
        self._count(event)
        if isinstance(event, AliasEvent):
            raise _Refusal(event, _alias(event))
        if isinstance(event, ScalarEvent):
            tag = self._scalar_tag(event)
            if tag == _VALUE:
                tag = _YAML + "str"
            if tag not in _PLAIN_SCALARS:
                self._flag(event, _unsupported(tag))
                return None
            value = self._scalar(event, tag)
            return None if value is _BAD else value
        assert isinstance(event, CollectionStartEvent)
        if len(self.stack) >= MAX_NESTING_DEPTH:
            raise _Refusal(event, _TOO_DEEP)
        if event.tag not in _PLAIN_COLLECTIONS:
            self._flag(event, _unsupported(str(event.tag)))
            self._skip(event)
            return None
        container: dict[Key, Any] | list[Any] = {} if isinstance(event, MappingStartEvent) else []
        frame = _Frame(container, path)
        pattern = tuple("*" if isinstance(step, int) else step for step in path)
        if pattern in self.counts:
            limit, frame.what = self.counts[pattern]
            frame.limit = min(limit, MAX_COLLECTION_ITEMS)
        self.stack.append(frame)
        return container

    def _skip(self, event: Event) -> None:
        """Read past the list or mapping ``event`` opens (a scalar needs nothing)."""
        if not isinstance(event, CollectionStartEvent):
            return
        depth = 1
        while depth:
            inner = self.events.get_event()
            self._count(inner)
            if isinstance(inner, CollectionStartEvent):
                depth += 1
                if len(self.stack) + depth > MAX_NESTING_DEPTH:
                    raise _Refusal(inner, _TOO_DEEP)
            elif isinstance(inner, SequenceEndEvent | MappingEndEvent):
                depth -= 1

    def _count(self, event: Event) -> None:
        if isinstance(event, NodeEvent):
            self.values += 1
            if self.values > MAX_VALUES:
                raise _Refusal(event, _too_many("values in one file", MAX_VALUES))

    def _scalar_tag(self, event: ScalarEvent) -> str:
        if event.tag is None or event.tag == "!":
            resolve: Any = self.resolver.resolve
            tag: str = resolve(ScalarNode, event.value, event.implicit)
            return tag
        return str(event.tag)

    def _scalar(self, event: ScalarEvent, tag: str) -> Any:
        implicit = event.tag is None or event.tag == "!"
        if tag == _YAML + "int":
            digits = sum(ch.isdigit() for ch in event.value)
            if digits > MAX_INT_DIGITS:
                self._flag(
                    event,
                    f"a whole number of {digits:,} digits; "
                    f"expected at most {MAX_INT_DIGITS} digits",
                )
                return _BAD
        node = ScalarNode(tag, event.value, None, None, event.style)
        try:
            value = self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, KeyError, OverflowError, TypeError):
            if implicit:
                return event.value  # looked like a date or number but is not one: text
            shown = event.value if len(event.value) <= 40 else event.value[:37] + "..."
            self._flag(
                event,
                f"cannot read {shown!r} as {_TAG_NAMES.get(tag, tag.removeprefix(_YAML))}; "
                "leave out the tag or fix the value",
            )
            return _BAD
        if isinstance(value, str) and (code := forbidden_character(value)):
            self._flag(
                event,
                f"text with the character {code}, which cannot be shown; expected printable text",
            )
            return _BAD
        return value

    def _locate(self, path: PathTuple, event: Event) -> None:
        self.doc.positions[path] = _position(event)

    def _flag(self, event: Event, message: str) -> None:
        line, column = _position(event)
        self.doc.problems.append(Problem(message, file=self.doc.file, line=line, column=column))


_BAD = object()


def _position(event: Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


_TOO_DEEP = (
    f"nested too deeply: more than {MAX_NESTING_DEPTH} levels of lists and mappings "
    "inside each other; expected a flatter file"
)


def _too_many(what: str, limit: int) -> str:
    return f"too many {what}: the limit is {limit:,} (see 'Limits' in rubric/README.md)"


def _alias(event: AliasEvent) -> str:
    return f"YAML aliases (*{event.anchor}) are not allowed; write the value out in full"


def _unsupported(tag: str) -> str:
    return f"unsupported YAML tag {tag!r}; expected plain text, numbers, lists and mappings"


def _event_kind(event: Event) -> str:
    if isinstance(event, SequenceStartEvent):
        return "a list"
    if isinstance(event, ScalarEvent):
        return f"a single value {event.value!r}"
    if isinstance(event, AliasEvent):
        return "an alias"
    return "a mapping"
