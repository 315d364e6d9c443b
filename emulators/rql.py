"""A parser and evaluator for the Resource Query Language subset the Marketplace documents.

Supported: ``eq ne gt ge lt le in out ilike and or not``, the ``field=value``
shorthand, ``null()``/``empty()``, dotted field paths, and values quoted with
``"`` or ``'`` (a backslash escapes the next character inside quotes).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any, Callable, Union


class RqlError(ValueError):
    """The query could not be parsed."""


@dataclass
class Call:
    """An operator applied to arguments: ``eq(name,"x")``."""

    op: str
    args: list["Node"]


@dataclass
class Value:
    """A literal: quoted values keep every character; bare ones are trimmed."""

    text: str | None
    quoted: bool = False


Node = Union[Call, Value, list]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self) -> Node:
        node = self.node()
        if self.pos != len(self.text):
            raise RqlError(f"unexpected {self.text[self.pos:]!r} at position {self.pos}")
        return node

    def node(self) -> Node:
        if self.peek() == "(":  # a list: in(field,(a,b))
            self.pos += 1
            items = self.args(")")
            return items
        if self.peek() in ("'", '"'):
            return self.quoted()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in "(),":
            self.pos += 1
        word = self.text[start:self.pos]
        if self.peek() == "(":
            self.pos += 1
            op = word.strip()
            if op in ("null", "empty"):
                self.expect(")")
                return Value(None if op == "null" else "")
            return Call(op, self.args(")"))
        return Value(word.strip())

    def args(self, close: str) -> list[Node]:
        items: list[Node] = []
        if self.peek() == close:
            self.pos += 1
            return items
        while True:
            items.append(self.node())
            ch = self.peek()
            self.pos += 1
            if ch == ",":
                continue
            if ch == close:
                return items
            raise RqlError(f"expected ',' or {close!r} at position {self.pos - 1}")

    def quoted(self) -> Value:
        quote = self.text[self.pos]
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if ch == quote:
                self.pos += 1
                return Value("".join(out), quoted=True)
            out.append(ch)
            self.pos += 1
        raise RqlError("unterminated quoted value")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, ch: str) -> None:
        if self.peek() != ch:
            raise RqlError(f"expected {ch!r} at position {self.pos}")
        self.pos += 1


def parse(text: str) -> Node:
    """Parses one RQL expression; ``field=value`` is read as ``eq(field,value)``."""
    text = text.strip()
    if "(" not in text.split("=", 1)[0] and "=" in text:
        field, _, value = text.partition("=")
        return Call("eq", [Value(field), Value(value)])
    return _Parser(text).parse()


def _field(doc: dict[str, Any], path: str) -> Any:
    cur: Any = doc
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _literal(node: Node) -> Any:
    if isinstance(node, list):
        return [_literal(n) for n in node]
    if isinstance(node, Value):
        return node.text
    raise RqlError(f"expected a value, got {node.op}(...)")


def _same(actual: Any, expected: Any) -> bool:
    if expected is None:
        return actual is None
    if isinstance(actual, bool):
        return str(actual).lower() == str(expected).lower()
    if isinstance(actual, (int, float)):
        try:
            return float(actual) == float(expected)
        except ValueError:
            return False
    return actual == expected


def compile_filter(node: Node) -> Callable[[dict[str, Any]], bool]:
    """A predicate over documents for a parsed expression."""
    if not isinstance(node, Call):
        raise RqlError("a filter must be an operator call")
    op, args = node.op, node.args
    if op in ("and", "or"):
        preds = [compile_filter(a) for a in args]
        return (lambda d: all(p(d) for p in preds)) if op == "and" else (lambda d: any(p(d) for p in preds))
    if op == "not":
        inner = compile_filter(args[0])
        return lambda d: not inner(d)
    if len(args) != 2 or not isinstance(args[0], Value):
        raise RqlError(f"{op}() takes a field and a value")
    field, value = args[0].text or "", _literal(args[1])
    if op == "eq":
        return lambda d: _same(_field(d, field), value)
    if op == "ne":
        return lambda d: not _same(_field(d, field), value)
    if op in ("in", "out"):
        values = value if isinstance(value, list) else [value]
        hit = lambda d: any(_same(_field(d, field), v) for v in values)  # noqa: E731
        return hit if op == "in" else (lambda d: not hit(d))
    if op == "ilike":
        pattern = _ilike_pattern(str(value))
        return lambda d: isinstance(_field(d, field), str) and fnmatch.fnmatchcase(_field(d, field).lower(), pattern)
    if op in ("gt", "ge", "lt", "le"):
        cmp = {"gt": lambda a, b: a > b, "ge": lambda a, b: a >= b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b}[op]
        return lambda d: _field(d, field) is not None and cmp(str(_field(d, field)), str(value))
    raise RqlError(f"unknown operator {op!r}")


def _ilike_pattern(value: str) -> str:
    # '*' is the wildcard and '\*' a literal star; fnmatch's own specials are escaped.
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            out.append("[" + value[i + 1] + "]" if value[i + 1] in "*?[" else value[i + 1])
            i += 2
            continue
        out.append("*" if ch == "*" else "[" + ch + "]" if ch in "?[" else ch)
        i += 1
    return "".join(out).lower()
