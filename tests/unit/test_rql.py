"""The provider's RQL against the platform's parser rules (the emulator's port of mpt-rql-net)."""

from urllib.parse import unquote

import pytest

from emulators import rql as server_rql
from providers.swo import rql

NAMES = ["Ops", "O'Brien", 'Say "hi"', "a,b", "f(x)", "back\\slash", "50% & more", "a;b|c", "k=v",
         "Ünïcödé 運用", "😀 team", "שלום עולם", "  spaced  ", "a=b", "x*y", "*star*", "+plus", "\\'both\\"]


@pytest.mark.parametrize("name", NAMES)
def test_literal_round_trips(name):
    expr = rql.and_(rql.eq("account.id", "ACC-1234-5678"), rql.eq("name", name))
    query = rql.query(expr, limit=100, offset=0)
    rql_part = unquote(query.split("&")[0])
    match = server_rql.compile_filter(server_rql.parse(rql_part))
    assert match({"account": {"id": "ACC-1234-5678"}, "name": name})
    assert not match({"account": {"id": "ACC-1234-5678"}, "name": name + "x"})


def test_literal_never_escapes():
    assert rql.literal("back\\slash") == '"back\\slash"'  # the backslash is sent as it is
    assert rql.literal('say "hi"') == "'say \"hi\"'"
    assert rql.literal("both ' and \"") is None
    with pytest.raises(ValueError):
        rql.eq("name", "both ' and \"")


def test_query_keeps_params_separate_and_encodes_select():
    q = rql.query(rql.eq("name", "a&b"), select="+audit", order="+id", limit=100, offset=200)
    assert q.endswith("&select=%2Baudit&order=%2Bid&limit=100&offset=200") and q.count("&") == 4
    assert rql.query("", select="+users") == "select=%2Busers"


# -- the parser itself: expressions and what the platform makes of them ----------------------
DOCS = [
    {"id": "1", "name": "Ops", "account": {"id": "A"}, "isDefault": False, "revision": 2,
     "users": [{"id": "USR-1"}], "tag": None},
    {"id": "2", "name": "ops team", "account": {"id": "A"}, "isDefault": True, "revision": 5, "users": []},
    {"id": "3", "name": "a*b", "account": {"id": "B"}, "isDefault": False, "revision": 1,
     "users": [{"id": "USR-2"}, {"id": "USR-1"}]},
    {"id": "4", "name": "back\\slash", "account": {"id": "B"}, "isDefault": False, "revision": 9},
]


@pytest.mark.parametrize("expr,ids", [
    ("eq(name,Ops)", ["1"]),
    ("name=Ops", ["1"]),
    ('name="Ops"', ["1"]),
    ("eq(account.id,A),eq(isDefault,false)", ["1"]),            # top-level ',' is and
    ("account.id=A&isDefault=true", ["2"]),                     # '&' is and
    ("name=Ops;name=a*b", ["1", "3"]),                          # ';' is or
    ("name=Ops|revision=9", ["1", "4"]),                        # '|' is or
    ("account.id=B&revision=1|name=Ops", ["1", "3"]),           # and binds tighter than or
    ("(name=Ops|name=x)&account.id=A", ["1"]),
    ("and(account.id=A,not(name=Ops))", ["2"]),
    ("ne(account.id,A)", ["3", "4"]),
    ("in(id,(1,3))", ["1", "3"]),
    ("in(id,(4))", ["4"]),
    ("out(id,(1,2,3))", ["4"]),
    ("like(name,Ops)", ["1"]),
    ("like(name,ops*)", ["2"]),                                 # starts-with, case-sensitive
    ("ilike(name,OPS*)", ["1", "2"]),                           # starts-with, any case
    ("ilike(name,*TEAM)", ["2"]),                               # ends-with
    ("ilike(name,*s*)", ["1", "2", "4"]),                       # contains
    ("like(name,a*b)", ["3"]),                                  # a middle '*' is literal
    ("like(name,a*)", ["3"]),
    ("like(name,*\\*b)", []),                                 # ends-with '\\*b': a middle '\\' is no escape
    ("like(name,\\*b)", []),                                  # a leading '\\*' is a literal star: equals '*b'
    ('eq(name,"back\\slash")', ["4"]),                        # '\\' is an ordinary character
    ("any(users,eq(id,USR-1))", ["1", "3"]),
    ("any(users)", ["1", "3"]),
    ("all(users,eq(id,USR-1))", ["1", "2", "4"]),               # vacuous truth for none
    ("gt(revision,2)", ["2", "4"]),
    ("le(revision,2)", ["1", "3"]),
    ("eq(tag,null())", ["1", "2", "3", "4"]),
    ("eq(users,empty())", ["2", "4"]),
    ("EQ(name,Ops)", ["1"]),                                    # operator names ignore case
])
def test_expression_means_what_the_platform_means(expr, ids):
    match = server_rql.compile_filter(server_rql.parse(expr))
    assert [d["id"] for d in DOCS if match(d)] == ids


@pytest.mark.parametrize("expr", [
    "eq(name)",                  # binary needs 2 arguments
    "eq(a,b,c)",
    "not(a=1,b=2)",
    "frobnicate(name,x)",        # unknown operator
    "status=eq=processing",      # the platform's own test of an invalid shortcut
    "null(x)",
])
def test_invalid_expressions_are_rejected(expr):
    with pytest.raises(server_rql.RqlError):
        server_rql.compile_filter(server_rql.parse(expr))


def test_escape_is_not_an_escape():
    # "a\"b" in the platform's parser is the value 'a\' followed by stray text, never 'a"b'.
    node = server_rql.parse('eq(name,"a\\")')
    match = server_rql.compile_filter(node)
    assert match({"name": "a\\"}) and not match({"name": "a"})


def test_eq_may_fold_case_like_a_database_collation():
    match = server_rql.compile_filter(server_rql.parse("eq(name,OPS)"), eq_folds_case=True)
    assert match({"name": "Ops"})
    assert not server_rql.compile_filter(server_rql.parse("eq(name,OPS)"))({"name": "Ops"})


@pytest.mark.parametrize("query", [
    'or(ilike(user.email,"A@x.com"),ilike(user.email,"c@X.com"),like(user.email,"d@x.com"))',
    'in(id,("USR-1","USR-3","USR-5"))', 'eq(user.email,"b@x.com")', 'or(ilike(user.email,"a@x.com"),eq(id,"USR-4"))',
    'ilike(user.email,"*@x.com")', 'in(id,())',
])
@pytest.mark.parametrize("eq_folds_case", [False, True])
def test_the_emulators_index_finds_what_reading_every_document_finds(query, eq_folds_case):
    docs = [{"id": "USR-1", "user": {"email": "a@x.com"}}, {"id": "USR-2", "user": {"email": "B@x.com"}},
            {"id": "USR-3", "user": {"email": "c@x.com"}}, {"id": "USR-5", "user": {"email": None}},
            {"id": "USR-4", "user": {"email": "d@x.com"}}, {"id": "USR-6", "user": {}}]
    match = server_rql.compile_filter(server_rql.parse(query), eq_folds_case)
    scanned = [d for d in docs if match(d)]
    if isinstance(match, server_rql.IndexedFilter):
        pool = server_rql.candidates(docs, match.lookups, lambda prop, fold: server_rql.value_index(docs, prop, fold))
        assert [d for d in pool if match(d)] == scanned and len(pool) < len(docs)
    assert scanned or query in ('in(id,())', 'eq(user.email,"b@x.com")')
