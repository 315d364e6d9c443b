"""Building Resource Query Language filters the platform's parser reads back exactly.

The platform's parser (``mpt-rql-net``) has no escape sequences: a quoted value
ends at the next quote of the same kind, and ``\\`` is an ordinary character. So a
value is quoted with a quote character it does not contain, and a value holding
both kinds cannot be written as a literal at all: ``literal`` answers ``None`` and
callers compare in the client instead.
"""

from __future__ import annotations

from urllib.parse import quote

# What stays readable in the query string; everything else is percent-encoded, so
# '&', ';', '|', '=', '%', '+', '#' and non-ASCII text inside values arrive intact.
_SAFE = "(),\"'*.:-_"


def literal(value: str) -> str | None:
    """``value`` as an RQL string literal, or ``None`` when no quote character can carry it."""
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return None


def eq(field: str, value: str) -> str:
    """``eq(field,"value")``; raises ``ValueError`` for a value ``literal`` cannot carry."""
    text = literal(value)
    if text is None:
        raise ValueError(f"{value!r} holds both quote characters and cannot be an RQL literal")
    return f"eq({field},{text})"


def in_(field: str, values: list[str]) -> str:
    """``in(field,("a","b"))``; raises ``ValueError`` for a value ``literal`` cannot carry."""
    texts: list[str] = []
    for value in values:
        text = literal(value)
        if text is None:
            raise ValueError("a value holds both quote characters and cannot be an RQL literal")
        texts.append(text)
    return f"in({field},({','.join(texts)}))"


def ilike_exact(field: str, value: str) -> str:
    """``ilike(field,"value")`` matching ``value`` itself, without regard to case: a ``*`` at either end
    (the only places the platform's parser reads it as a wildcard) is escaped as ``\\*``."""
    text = ("\\" + value if value.startswith("*") else value)
    text = text[:-1] + "\\*" if text.endswith("*") and not text.endswith("\\*") else text
    carried = literal(text)
    if carried is None:
        raise ValueError(f"{value!r} holds both quote characters and cannot be an RQL literal")
    return f"ilike({field},{carried})"


def any_(field: str, condition: str) -> str:
    """``any(field,condition)``: some element of a list field meets the condition."""
    return f"any({field},{condition})"


def or_(*terms: str) -> str:
    return terms[0] if len(terms) == 1 else f"or({','.join(terms)})"


def and_(*terms: str) -> str:
    return terms[0] if len(terms) == 1 else f"and({','.join(terms)})"


# The platform parser's operators and constants (``mpt-rql-net`` RqlNodeParser, case-insensitive).
OPERATORS = frozenset({"eq", "ne", "gt", "ge", "lt", "le", "in", "out", "like", "ilike", "and", "or", "not", "any",
                       "all", "null", "empty"})


def well_formed(text: str) -> str:
    """``text`` when the platform's parser can read it: quotes closed (a quoted value ends at the next quote
    of its kind, with no escapes), parentheses balanced outside quotes, every ``name(`` a known operator.
    What the expression means (which fields exist) is the API's to say when it is asked."""
    if not text.strip():
        raise ValueError("is empty: give an RQL expression, e.g. ilike(user.email,\"*@contoso.com\")")
    depth, quote_char, word = 0, "", ""
    for ch in text:
        if quote_char:
            quote_char = "" if ch == quote_char else quote_char
        elif ch in "'\"":
            quote_char, word = ch, ""
        elif ch == "(":
            if word and word.lower() not in OPERATORS:
                raise ValueError(f"uses {word!r}, which is not an RQL operator (known: {', '.join(sorted(OPERATORS))})")
            depth, word = depth + 1, ""
        elif ch == ")":
            depth, word = depth - 1, ""
            if depth < 0:
                raise ValueError("closes a parenthesis that was never opened")
        else:
            word = word + ch if ch.isalnum() or ch in "_." else ""
    if quote_char:
        raise ValueError(f"leaves a {quote_char} quote open (RQL has no escapes: a value holding one quote kind "
                         "is quoted with the other)")
    if depth:
        raise ValueError(f"leaves {depth} parenthesis open")
    return text


def query(filter_expr: str, **params: int | str) -> str:
    """A raw query string: the RQL expression first, then ``limit``/``offset``/``select``/``order``.

    RQL is not a named parameter; it is percent-encoded as a whole. Parameter values
    are encoded completely (``select=+audit`` travels as ``%2Baudit``, since a bare
    ``+`` in a query string may be read as a space).
    """
    parts = [quote(filter_expr, safe=_SAFE)] if filter_expr else []
    parts += [f"{k}={quote(str(v), safe='')}" for k, v in params.items()]
    return "&".join(parts)
