"""Building Resource Query Language filters with values quoted and escaped correctly."""

from __future__ import annotations

from urllib.parse import quote


def literal(value: str) -> str:
    """``value`` as an RQL string literal.

    Double quotes are used unless the value contains one and no single quote;
    a value with both gets double quotes with ``\\"`` and ``\\\\`` escaped, so
    names with quotes, commas, parentheses or any unicode survive intact.
    """
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    if "'" not in value and "\\" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def eq(field: str, value: str) -> str:
    return f"eq({field},{literal(value)})"


def and_(*terms: str) -> str:
    return terms[0] if len(terms) == 1 else f"and({','.join(terms)})"


def query(filter_expr: str, **params: int | str) -> str:
    """A raw query string: the RQL expression first, then ``limit``/``offset``/... parameters.

    RQL is not a named parameter; it is percent-encoded as a whole so that
    ``&``, ``#``, ``+`` and non-ASCII text in values reach the server intact.
    """
    parts = [quote(filter_expr, safe="(),\"'*.:-_")]
    parts += [f"{k}={quote(str(v), safe='')}" for k, v in params.items()]
    return "&".join(parts)
