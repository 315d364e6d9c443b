"""RQL built by the client is read back by the emulator's parser to exactly the same values."""

from urllib.parse import unquote

import pytest

from emulators import rql as server_rql
from providers.swo import rql

NAMES = ["Ops", "O'Brien", 'Say "hi"', "Both ' and \"", "a,b", "f(x)", "back\\slash", "50% & more",
         "Ünïcödé 運用", "😀 team", "שלום עולם", "  spaced  ", "a=b", "x*y", "+plus"]


@pytest.mark.parametrize("name", NAMES)
def test_literal_round_trips(name):
    expr = rql.and_(rql.eq("account.id", "ACC-1234-5678"), rql.eq("name", name))
    query = rql.query(expr, limit=100, offset=0)
    rql_part = unquote(query.split("&")[0])
    match = server_rql.compile_filter(server_rql.parse(rql_part))
    assert match({"account": {"id": "ACC-1234-5678"}, "name": name})
    assert not match({"account": {"id": "ACC-1234-5678"}, "name": name + "x"})


def test_query_keeps_params_separate():
    q = rql.query(rql.eq("name", "a&b"), limit=100, offset=200)
    assert q.endswith("&limit=100&offset=200") and q.count("&") == 2
