"""The benchmark's directory-query rows: one group whose people a query chooses (``bench/people`` with
``bench:query``), at the sizes the goals name: 5,000 pod users and 2,000 account users.

Steps: *create* (the query runs, every match is written), *no-op up* (the query runs again and finds the
same people), *one person moves* (one more user comes to match: the query runs, the newcomer is looked up
and written). Requests are split into the query's own (Search Users and Find Users, or the account-users
listing) and the rest, so that each goal reads off its row.
"""

from __future__ import annotations

import argparse
import math
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from tests.harness import Emulators, PulumiProject

QUERY_STEPS = ("create", "no-op up", "one person moves")
HEADING = "## Directory queries"
SEARCH_PAGE = 100  # the page both searches are read in


@dataclass
class QueryCase:
    """One query group of ``n`` matching people, on one API."""

    kind: str
    label: str
    n: int

    def seed(self, emu: Emulators) -> Any:
        """The matching people, and one who does not match yet (the mover); returns how to move them in."""
        if self.kind == "symphony":
            made = emu.symphony.seed_pod_users(
                [{"username": f"member.{i:05d}", "company": "Bench Corp", "location": "London"} for i in range(self.n)]
                + [{"username": "member.mover", "company": "Bench Corp", "location": "Paris"}])
            mover = made[-1]["id"]
            return lambda: emu.symphony.change_pod_user(mover, location="London")
        made = emu.swo.seed_users("ACC-1234-5678", [{"email": f"u{i:05d}@bench.example"} for i in range(self.n)]
                                  + [{"email": "mover@elsewhere.example"}])
        mover = made[-1]["id"]
        return lambda: emu.swo.change_user(mover, email="mover@bench.example")

    def is_query(self, route: str) -> bool:
        """Whether a counted route is the query's own (a search, or the account-users listing)."""
        if self.kind == "symphony":
            return "/user/search" in route or "/user/find" in route
        return route.startswith("GET") and route.rstrip("/").endswith("/users")


def query_cases(args: argparse.Namespace) -> list[QueryCase]:
    return [QueryCase("symphony", "Symphony members by query (`{company, location}`)", args.query_symphony),
            QueryCase("swo", "SoftwareOne users by query (`ilike(user.email, …)`)", args.query_swo)]


@dataclass
class Steps:
    """What the benchmark's main module lends these rows: how to set config, time a step and record it."""

    set_config: Callable[[PulumiProject, dict[str, str]], None]
    timed: Callable[..., Any]
    record: Callable[..., None]


def query_cycle(project: PulumiProject, emu: Emulators, case: QueryCase, steps: Steps,
                results: dict[str, Any]) -> None:
    move = case.seed(emu)
    timed, record = steps.timed, steps.record
    steps.set_config(project, {"bench:kind": case.kind, "bench:count": str(case.n), "bench:query": "true"})
    record(results, "create", timed(project, ["up", "--yes", "--skip-preview"], emu))
    record(results, "no-op up", timed(project, ["up", "--yes", "--skip-preview"], emu))
    move()
    record(results, "one person moves", timed(project, ["up", "--yes", "--skip-preview"], emu))
    project.run("destroy", "--yes", "--skip-preview").ok()


def query_goal(case: QueryCase, step: str, query: int, other: int, writes: int) -> tuple[str, str]:
    pages = math.ceil(case.n / SEARCH_PAGE)
    if step == "no-op up":
        ok = query <= pages + 2 and writes == 0
        return (f"≤ {pages + 2} query requests (⌈N / {SEARCH_PAGE}⌉ + 2), 0 writes",
                "met" if ok else f"misses: {query} query requests, {writes} writes")
    if step == "one person moves":
        return "≤ 3 requests beyond the query", "met" if other <= 3 else f"misses by {other - 3}"
    return "", ""


def query_report(table: list[tuple[QueryCase, dict[str, Any]]], args: argparse.Namespace) -> list[str]:
    lines = [
        HEADING,
        "",
        "One group whose people a directory query chooses (`bench/people` with `bench:query`), median of "
        f"{args.repeat} runs, {args.latency_ms:g} ms per request, `--skip-preview` (a `preview` runs the query "
        "once more). *Query requests* are the searches (Symphony: Search Users, Find Users) or the account-users "
        "listing (SoftwareOne: a newcomer's lookup is a listing request too, and counts here); *other* is "
        "everything else, the login included. Goals: a no-op `up` in "
        "⌈N / 100⌉ + 2 query requests and no write; one person who comes to match costs at most 3 requests "
        "beyond the query.",
        "",
        "| query | N | step | s | query requests | other requests | writes | goal | goal met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for case, results in table:
        for step in QUERY_STEPS:
            r = results[step]
            counts = r.median_counts()
            query = sum(n for route, n in counts.items() if case.is_query(route))
            other = sum(counts.values()) - query
            writes = sum(n for route, n in counts.items() if route.split()[0] in ("PUT", "POST", "DELETE")
                         and not case.is_query(route) and "/login/" not in route)
            goal, met = query_goal(case, step, query, other, writes)
            lines.append(f"| {case.label} | {case.n} | {step} | {statistics.median(r.seconds):.2f} | {query} | "
                         f"{other} | {writes} | {goal} | {met} |")
    return lines


def run_queries(base: Path, bot: Any, emu: Emulators, args: argparse.Namespace, steps: Steps,
                swo_token: str) -> list[str]:
    table = []
    for case in query_cases(args):
        results: dict[str, Any] = {}
        for r in range(args.repeat):
            emu.reset()
            project = PulumiProject(base / f"query-{case.kind}-{r}", stack="bench",
                                    program=Path(__file__).resolve().parent / "people")
            project.init({"symphony:podUrl": emu.symphony_url, "symphony:botUsername": bot.username,
                          "swo:apiUrl": emu.swo_url}, {"symphony:botPrivateKey": bot.private_pem,
                                                       "swo:apiToken": swo_token})
            query_cycle(project, emu, case, steps, results)
            project.cleanup()
            print(f"bench: {case.label} N={case.n} run {r + 1}/{args.repeat}: "
                  + ", ".join(f"{s} {results[s].seconds[-1]:.2f}s" for s in QUERY_STEPS), flush=True)
        table.append((case, results))
    return query_report(table, args)
