"""Resource Query Language as the Marketplace platform parses and evaluates it.

A port of the platform's own parser (``softwareone-platform/mpt-rql-net``,
``src/Mpt.Rql/Parsers/Linear/Services/RqlParser.cs`` and its helpers), so that the
emulator accepts and rejects what the real service does:

- a quoted value starts at ``"`` or ``'`` and ends at the next same quote; there are
  no escape sequences, so ``\\`` is an ordinary character;
- outside quotes ``,`` and ``&`` join with *and*, ``;`` and ``|`` with *or*, at any
  depth (and binds tighter than or); ``field=value`` is ``eq(field,value)``;
- operators ``eq ne gt ge lt le in out like ilike and or not any all`` and the
  constants ``null()`` and ``empty()``; an unknown name is an error;
- ``like``/``ilike``: ``*`` is a wildcard only as the first and/or last character
  (ends-with / starts-with / contains); ``\\*`` at either end is a literal star; a
  ``*`` anywhere else is literal (``Like.cs``).

Values are not trimmed: ``eq(name, x)`` compares with ``" x"``, as the platform does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple, Union

AND, OR, NONE = "and", "or", ""
GROUP_OPERATORS = {",": AND, "&": AND, ";": OR, "|": OR}
QUOTES = ("'", '"')
BINARY = {"eq", "ne", "gt", "ge", "lt", "le", "in", "out", "like", "ilike"}


class RqlError(ValueError):
    """The query could not be parsed or evaluated."""


@dataclass
class Const:
    """A word: a property path on the left of an operator, a value on the right."""

    text: str
    quoted: bool = False


@dataclass
class Special:
    """``null()`` or ``empty()``."""

    name: str


@dataclass
class Call:
    """An operator with its arguments; ``and``/``or`` and bare parentheses (``op=""``) are groups."""

    op: str
    args: list["Node"] = field(default_factory=list)


Node = Union[Const, Special, Call]


@dataclass
class _Word:
    start: int
    length: int = 0
    quote: str | None = None
    quote_start: int | None = None
    quote_end: int | None = None
    group: str = NONE
    quoted: bool = False


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def word_node(self, w: _Word) -> Const:
        start, end = w.start, w.start + w.length
        if w.quote_start is not None:  # RqlExpressionMapper.RemoveQuotes
            quote_end = w.quote_end if w.quote_end is not None else len(self.text) - 1
            start = w.quote_start + 1 if w.quote_start >= start and quote_end < end else start
            end = quote_end if quote_end < end else end
        return Const(self.text[start:end], w.quoted)

    def parse_internal(self, start: int, take_one: bool) -> list[tuple[str, Node]]:
        self.pos = start
        out: list[tuple[str, Node]] = []
        word = _Word(start)
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == "=" and word.quote is None:
                word = self.equals_shortcut(word, out)
                continue
            if word.quote is not None:
                if ch == word.quote:
                    word.quote_end, word.quote = self.pos, None
                word.length += 1
            elif ch in QUOTES:
                word.quote, word.quote_start, word.quoted = ch, self.pos, True
                word.length += 1
            elif ch in GROUP_OPERATORS:
                if word.length > 0:
                    out.append((word.group, self.word_node(word)))
                word = _Word(self.pos + 1, group=GROUP_OPERATORS[ch])
            elif ch == "(":
                name = text[word.start:word.start + word.length]
                group = word.group
                inner = self.parse_internal(self.pos + 1, False)
                out.append((group, _node(name, inner)))
                word = _Word(self.pos + 1)
            elif ch == ")":
                if word.length > 0:
                    out.append((word.group, self.word_node(word)))
                word = _Word(self.pos + 1)
                break
            else:
                word.length += 1
            if take_one and out:
                return out
            self.pos += 1
        if word.length > 0:
            out.append((word.group, self.word_node(word)))
        return out

    def equals_shortcut(self, word: _Word, out: list[tuple[str, Node]]) -> _Word:
        if word.length == 0 and out:
            left: Node = out.pop()[1]
        else:
            left = self.word_node(word)
        right = self.parse_internal(self.pos + 1, True)
        if len(right) != 1 or not isinstance(right[0][1], (Const, Special)):
            raise RqlError("Invalid equals shortcut expression")
        out.append((word.group, Call("eq", [left, right[0][1]])))
        if isinstance(right[0][1], Special):  # skip the function's closing parenthesis
            self.pos += 1
        return _Word(self.pos + 1)


def _node(name: str, inner: list[tuple[str, Node]]) -> Node:
    op = name.lower()  # RqlNodeParser lower-cases the term
    args = [n for _, n in inner]
    if op == "":
        return _reduce(inner)
    if op in (AND, OR):
        return Call(op, args)
    if op == "not":
        if len(args) != 1:
            raise RqlError("Unary expression must have 1 argument")
        return Call("not", args)
    if op in BINARY:
        if len(args) != 2:
            raise RqlError("Binary expression must have 2 arguments")
        return Call(op, args)
    if op in ("any", "all"):
        if not args:
            raise RqlError("Collection expression must have at least 1 argument")
        return Call(op, args[:2])
    if op in ("null", "empty"):
        if args:
            raise RqlError("Constant functions cannot have arguments")
        return Special(op)
    raise RqlError(f"unknown operator {name!r}")


def _reduce(items: list[tuple[str, Node]]) -> Node:
    """RqlExpressionReducer: a flat list of (joiner, expression) into one and/or tree."""
    or_groups: list[Node] = []
    current: list[Node] = []
    current_type: str | None = None
    for group, node in items:
        if current_type is None or group == current_type:
            current.append(node)
        elif group == OR:
            if len(current) > 1:
                or_groups.append(Call(AND, current))
                current = []
            current.append(node)
        else:  # to AND: the last expression binds to this one
            prev = current.pop() if current else None
            or_groups.extend(current)
            current = [prev, node] if prev is not None else [node]
        current_type = group
    if len(current) > 1 and current_type == AND:
        or_groups.append(Call(AND, current))
    else:
        or_groups.extend(current)
    if len(or_groups) == 1:
        return or_groups[0]
    return Call(OR, or_groups)


def parse(text: str) -> Node:
    """One RQL expression (the whole filter part of a query string, already percent-decoded)."""
    parser = _Parser(text)
    return _reduce(parser.parse_internal(0, False))


# -- evaluation ---------------------------------------------------------------------------
Doc = dict[str, Any]


def _path(node: Node) -> str:
    if not isinstance(node, Const) or not node.text:
        raise RqlError("the left side of an operator must be a property path")
    return node.text


def _get(doc: Any, path: str) -> Any:
    return _getter(path)(doc)


def _getter(path: str) -> Callable[[Any], Any]:
    """``_get`` for one path, split once (a filter is run over every document of a tenant)."""
    parts = path.split(".")

    def get(doc: Any) -> Any:
        cur = doc
        for part in parts:
            if not isinstance(cur, dict):
                return None
            cur = cur.get(part)
        return cur
    return get


def _coerce(actual: Any, value: str) -> Any:
    """The constant in the property's type, as the platform binds it."""
    if isinstance(actual, bool):
        if value.lower() not in ("true", "false"):
            raise RqlError(f"{value!r} is not a boolean")
        return value.lower() == "true"
    if isinstance(actual, (int, float)):
        try:
            return type(actual)(value)
        except ValueError:
            raise RqlError(f"{value!r} is not a number") from None
    return value


def _equal(actual: Any, value: Node, fold_case: bool) -> bool:
    if isinstance(value, Special):
        return actual is None if value.name == "null" else actual in ("", [], None)
    if not isinstance(value, Const):
        raise RqlError("expected a value")
    if actual is None:
        return False
    expected = _coerce(actual, value.text)
    if fold_case and isinstance(actual, str):
        return actual.casefold() == expected.casefold()
    return actual == expected


def _values(node: Node) -> list[Node]:
    if isinstance(node, Call) and node.op in (AND, OR):
        return [v for a in node.args for v in _values(a)]
    return [node]


def _like_parts(pattern: str) -> tuple[bool, bool, str]:
    """``Like.cs``'s reading of a pattern: (wildcard at the start, wildcard at the end, the literal text)."""
    starts_wild = pattern.startswith("*")
    starts_escaped = pattern.startswith("\\*")
    ends_escaped = pattern.endswith("\\*")
    ends_wild = not ends_escaped and pattern.endswith("*")
    start = 1 if starts_wild or starts_escaped else 0
    end = len(pattern)
    if ends_escaped:
        end = max(start, end - 2)
    elif ends_wild:
        end = max(start, end - 1)
    return starts_wild, ends_wild, pattern[start:end] + ("*" if ends_escaped else "")


def _exact_like(node: Node) -> tuple[str, bool, str] | None:
    """``(property, folds case, text)`` of a like or ilike without wildcards (a plain comparison), else None."""
    if not (isinstance(node, Call) and node.op in ("like", "ilike") and len(node.args) == 2
            and isinstance(node.args[1], Const)):
        return None
    starts_wild, ends_wild, text = _like_parts(node.args[1].text)
    if starts_wild or ends_wild:
        return None
    fold = node.op == "ilike"
    return _path(node.args[0]), fold, text.casefold() if fold else text


def _any_of(args: list[Node], eq_folds_case: bool) -> Callable[[Doc], bool]:
    """``or(...)``: exact likes of one property become one set lookup (a page of 100 addresses over 20,000
    users), the rest are tried in turn; the same answer as trying every one."""
    exact: dict[tuple[str, bool], set[str]] = {}
    rest = []
    for arg in args:
        parts = _exact_like(arg)
        if parts is None:
            rest.append(compile_filter(arg, eq_folds_case))
        else:
            exact.setdefault(parts[:2], set()).add(parts[2])

    getters = [(_getter(prop), fold, texts) for (prop, fold), texts in exact.items()]

    def hit(d: Doc) -> bool:
        for get, fold, texts in getters:
            actual = get(d)
            if isinstance(actual, str) and (actual.casefold() if fold else actual) in texts:
                return True
        return any(p(d) for p in rest)
    if rest:
        return hit
    return IndexedFilter(hit, [Lookup(prop, fold, frozenset(texts)) for (prop, fold), texts in exact.items()])


class Lookup(NamedTuple):
    """Text values of one property that a filter compares with exactly (case-folded when ``fold``)."""

    prop: str
    fold: bool
    texts: frozenset[str]


class IndexedFilter:
    """A filter only documents holding one of some exact text values can meet (or no text at all there):
    a listing may take its candidates from an index of those values instead of reading every document."""

    def __init__(self, predicate: Callable[[Doc], bool], lookups: list[Lookup]) -> None:
        self.predicate, self.lookups = predicate, lookups

    def __call__(self, doc: Doc) -> bool:
        return self.predicate(doc)


def candidates(docs: list[Doc], lookups: list[Lookup], index: Callable[[str, bool], Any]) -> list[Doc]:
    """The documents an :class:`IndexedFilter` may match, in their order: those whose property holds one of the
    texts, and those where it is not text (compared otherwise). ``index(prop, fold)`` gives ``({text: [positions]},
    [positions of the rest])`` for ``docs``, built once by :func:`value_index`."""
    positions: set[int] = set()
    for lookup in lookups:
        by_text, others = index(lookup.prop, lookup.fold)
        positions.update(others)
        for text in lookup.texts:
            positions.update(by_text.get(text, ()))
    return [docs[i] for i in sorted(positions)]


def value_index(docs: list[Doc], prop: str, fold: bool) -> tuple[dict[str, list[int]], list[int]]:
    """Each text value of ``prop`` (case-folded when ``fold``) and where it is, and where it is not text."""
    get = _getter(prop)
    by_text: dict[str, list[int]] = {}
    others: list[int] = []
    for i, doc in enumerate(docs):
        actual = get(doc)
        if isinstance(actual, str):
            by_text.setdefault(actual.casefold() if fold else actual, []).append(i)
        else:
            others.append(i)
    return by_text, others


def like_matcher(pattern: str, fold_case: bool) -> Callable[[str], bool]:
    """``Like.cs``: leading/trailing ``*`` only; ``\\*`` at an end is a literal star."""
    starts_wild, ends_wild, literal = _like_parts(pattern)
    norm = (lambda s: s.casefold()) if fold_case else (lambda s: s)
    lit = norm(literal)
    if starts_wild and ends_wild:
        return lambda s: lit in norm(s)
    if starts_wild:
        return lambda s: norm(s).endswith(lit)
    if ends_wild:
        return lambda s: norm(s).startswith(lit)
    return lambda s: norm(s) == lit


def compile_filter(node: Node, eq_folds_case: bool = False) -> Callable[[Doc], bool]:
    """A predicate over documents. ``eq_folds_case``: string ``eq`` ignores case (a database collation)."""
    if not isinstance(node, Call):
        raise RqlError("a filter must be an operator call")
    op, args = node.op, node.args
    if op == OR:
        return _any_of(args, eq_folds_case)
    if op == AND:
        preds = [compile_filter(a, eq_folds_case) for a in args]
        return lambda d: all(p(d) for p in preds)
    if op == "not":
        inner = compile_filter(args[0], eq_folds_case)
        return lambda d: not inner(d)
    if op in ("any", "all"):
        items = _getter(_path(args[0]))
        sub = compile_filter(args[1], eq_folds_case) if len(args) > 1 else (lambda _d: True)
        if op == "any":
            return lambda d: any(sub(x) for x in (items(d) or []) if isinstance(x, dict))
        return lambda d: all(sub(x) for x in (items(d) or []) if isinstance(x, dict))
    prop, value = _path(args[0]), args[1]
    get = _getter(prop)
    if op in ("eq", "ne", "in", "out"):
        values = [value] if op in ("eq", "ne") else _values(value)
        # A text property against constants is one set lookup (as _equal compares them), so a page of 100
        # values over a tenant of 20,000 users is not two million comparisons.
        texts = {v.text for v in values} if all(isinstance(v, Const) for v in values) else None
        folded = {t.casefold() for t in texts} if texts is not None and eq_folds_case else None

        def hit(d: Doc) -> bool:
            actual = get(d)
            if texts is not None and isinstance(actual, str):
                return actual.casefold() in folded if folded is not None else actual in texts
            return any(_equal(actual, v, eq_folds_case) for v in values)
        if op in ("ne", "out"):
            return lambda d: not hit(d)
        return hit if texts is None else IndexedFilter(hit, [Lookup(prop, eq_folds_case, frozenset(folded or texts))])
    if op in ("like", "ilike"):
        if not isinstance(value, Const):
            raise RqlError(f"{op}() takes a pattern")
        match = like_matcher(value.text, fold_case=(op == "ilike"))
        return lambda d: isinstance(get(d), str) and match(get(d))
    compare = {"gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
               "lt": lambda a, b: a < b, "le": lambda a, b: a <= b}[op]
    if not isinstance(value, Const):
        raise RqlError(f"{op}() takes a value")
    return lambda d: get(d) is not None and compare(get(d), _coerce(get(d), value.text))


# -- select and order ---------------------------------------------------------------------
def parse_fields(spec: str) -> list[tuple[bool, str]]:
    """``+a,-b,c`` into ``[(True, "a"), (False, "b"), (True, "c")]`` (``select`` and ``order``)."""
    out = []
    for item in filter(None, (s.strip() for s in spec.split(","))):
        sign = item[0] != "-"
        name = item[1:] if item[0] in "+-" else item
        if not name:
            raise RqlError(f"empty field in {spec!r}")
        out.append((sign, name))
    return out


def sort_key(path: str) -> Callable[[Doc], Any]:
    """Nulls first, then values of one type in their natural order."""
    get = _getter(path)

    def key(doc: Doc) -> Any:
        value = get(doc)
        return (value is not None, value if value is not None else 0)
    return key
