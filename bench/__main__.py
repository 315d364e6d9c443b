"""``python -m bench``: the user-group providers against the engine's own cost.

For N groups of each kind it times `pulumi up` (create N), a no-op `up`, `refresh`, a rename
of every group, and `destroy` (median of ``--repeat`` runs), counts the API requests the
emulators saw per step, samples the dynamic-provider process's peak memory, and measures the
same steps for N resources of a provider that makes no API call. Per step it prints
``ours / (baseline + ceil(N / 4) x latency)``: the Python dynamic-provider server runs at most
four calls at once, so that is the floor. Writes the table to docs/performance.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from datetime import datetime, timezone
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.harness import Emulators, PulumiProject, make_bot_key, pulumi_bin  # noqa: E402
from bench import queries  # noqa: E402

STEPS = ("create", "no-op up", "refresh", "rename all", "destroy")
SWO_TOKEN = "idt:TKN-0000-0000:bench-token"


@dataclass
class StepResult:
    """One step over the repeats."""

    seconds: list[float] = field(default_factory=list)
    requests: list[dict[str, int]] = field(default_factory=list)
    cpu: list[dict[str, float]] = field(default_factory=list)
    peak_rss_mb: float = 0.0

    def median_counts(self) -> dict[str, int]:
        """The requests counted in the median run (by time)."""
        middle = sorted(range(len(self.seconds)), key=lambda i: self.seconds[i])[len(self.seconds) // 2]
        return self.requests[middle]

    def median_cpu(self) -> dict[str, float]:
        """The median CPU seconds of each part over the runs."""
        return {part: statistics.median(c[part] for c in self.cpu) if self.cpu else 0.0 for part in ROLES}


ROLES = ("engine", "program", "provider")
TICKS = os.sysconf("SC_CLK_TCK")


def role(cmdline: bytes) -> str | None:
    """Which part of a step a process is: the dynamic provider, the program, or the engine (the CLI
    and its language host); ``None`` for anything else (the emulators, this benchmark)."""
    if b"pulumi.dynamic" in cmdline:
        return "provider"
    if b"pulumi-language-python-exec" in cmdline:
        return "program"
    return "engine" if os.path.basename(cmdline.split(b"\0")[0]).startswith(b"pulumi") else None


class ProcessSampler:
    """Samples, while a step runs, the peak resident memory of the dynamic-provider processes and the
    CPU seconds each part of the step spent (the last reading of every process of that part), so that a
    row that misses its goal can say whose work the difference is."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._cpu: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "ProcessSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def cpu(self) -> dict[str, float]:
        """CPU seconds (user + system) per part of the step."""
        out = dict.fromkeys(ROLES, 0.0)
        for part, seconds in self._cpu.values():
            out[part] += seconds
        return out

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    part = role(Path(f"/proc/{pid}/cmdline").read_bytes())
                    if part is None:
                        continue
                    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    self._cpu[int(pid)] = (part, (int(stat[11]) + int(stat[12])) / TICKS)
                    if part == "provider":
                        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                            if line.startswith("VmHWM:"):
                                self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                except (OSError, IndexError, ValueError):
                    continue


def groups(kind: str, n: int, suffix: str = "") -> dict[str, list[dict]]:
    if kind == "symphony":
        return {"usergroups:symphonyGroups": [{"key": f"s{i:04d}", "name": f"Scope {i:04d}{suffix}", "area": "EMEA"}
                                              for i in range(n)], "usergroups:swoGroups": []}
    return {"usergroups:swoGroups": [{"key": f"w{i:04d}", "accountId": "ACC-1234-5678", "name": f"Team {i:04d}{suffix}",
                                      "modules": ["MOD-1756"]} for i in range(n)], "usergroups:symphonyGroups": []}


def set_config(project: PulumiProject, values: dict) -> None:
    data = yaml.safe_load(project.stack_file.read_text())
    data["config"].update(values)
    project.stack_file.write_text(yaml.safe_dump(data, sort_keys=False))


@dataclass
class Timing:
    """One run of one step."""

    seconds: float
    counts: dict[str, int]
    rss_mb: float
    cpu: dict[str, float]


def timed(project: PulumiProject, args: list[str], emu: Emulators | None) -> Timing:
    if emu:
        emu.symphony.reset_counts()
        emu.swo.reset_counts()
    with ProcessSampler() as sampler:
        start = time.perf_counter()
        project.run(*args).ok()
        elapsed = time.perf_counter() - start
    counts: dict[str, int] = {}
    if emu:
        counts = {**emu.symphony.counts(), **emu.swo.counts()}
    return Timing(elapsed, counts, sampler.peak_kb / 1024, sampler.cpu())


BASELINES = {"baseline": "false", "baseline-state": "true"}


def run_cycle(project: PulumiProject, kind: str, n: int, emu: Emulators | None, results: dict[str, StepResult]) -> None:
    if kind in BASELINES:
        config = {"bench:count": str(n), "bench:suffix": "", "bench:fat": BASELINES[kind]}
    else:
        config = groups(kind, n)
    set_config(project, config)
    steps = {
        "create": ["up", "--yes", "--skip-preview"],
        "no-op up": ["up", "--yes", "--skip-preview"],
        "refresh": ["refresh", "--yes", "--skip-preview"],
        "rename all": ["up", "--yes", "--skip-preview"],
        "destroy": ["destroy", "--yes", "--skip-preview"],
    }
    for step, args in steps.items():
        if step == "rename all":
            set_config(project, {"bench:suffix": " v2"} if kind in BASELINES else groups(kind, n, " v2"))
        record(results, step, timed(project, args, emu))


def label(route: str) -> str:
    """``"GET /pod/v2/admin/usergroups/{groupId}"`` -> ``"get"``; a collection GET is ``"list"``."""
    method, path = route.split(" ", 1)
    if "/login/" in path:
        return "login"
    if path.startswith("/pod/v3/users"):
        return "user lookup"
    if method == "GET":
        return "get" if path.endswith("}") else "list"
    return {"POST": "create", "PUT": "put", "DELETE": "delete"}.get(method, method.lower())


def fmt_requests(counts: dict[str, int]) -> str:
    short: dict[str, int] = {}
    for route, n in counts.items():
        short[label(route)] = short.get(label(route), 0) + n
    return ", ".join(f"{k} {v}" for k, v in sorted(short.items())) or "0"


MEMBER_STEPS = ("create", "no-op up", "no-op up without people", "refresh", "change one person", "destroy")
MEMBERS_HEADING = "## Group people"


@dataclass
class PeopleCase:
    """One group with ``n`` people, declared by ``bench/people`` (a list that long does not fit in stack
    config: the engine hands the program its config in one environment variable)."""

    kind: str
    label: str
    n: int
    page: int

    def seed(self, emu: Emulators) -> None:
        if self.kind == "symphony":
            emu.symphony.seed_pod_users([f"member.{i:05d}" for i in range(self.n + 1)])
        else:
            emu.swo.seed_users("ACC-1234-5678", [{"id": f"USR-{i // 10000:04d}-{i % 10000:04d}"}
                                                 for i in range(1, self.n + 2)])


def people_cases(args: argparse.Namespace) -> list[PeopleCase]:
    sizes = [int(n) for n in args.people_sizes.split(",") if n]
    return [*(PeopleCase("symphony", "Symphony members (`SymphonyUserGroupMembers`)", n, 100) for n in sizes),
            *(PeopleCase("swo", "SoftwareOne users (`SwoUserGroupMembers`)", n, 100) for n in sizes)]


def people_cycle(project: PulumiProject, emu: Emulators, case: PeopleCase, results: dict[str, StepResult]) -> None:
    """One group with ``case.n`` people, then the same stack with the group alone."""
    case.seed(emu)
    first = 0 if case.kind == "symphony" else 1
    declared = {"bench:kind": case.kind, "bench:count": str(case.n), "bench:first": str(first), "bench:people": "true"}
    steps = [
        ("create", declared, ["up", "--yes", "--skip-preview"]),
        ("no-op up", declared, ["up", "--yes"]),  # with its preview: the whole no-op up a user runs
        ("refresh", declared, ["refresh", "--yes", "--skip-preview"]),
        ("change one person", {**declared, "bench:first": str(first + 1)}, ["up", "--yes", "--skip-preview"]),
        ("destroy", None, ["destroy", "--yes", "--skip-preview"]),
    ]
    for step, config, cli in steps:
        if config is not None:
            set_config(project, config)
        record(results, step, timed(project, cli, emu))
    emu.reset()
    set_config(project, {**declared, "bench:people": "false"})
    project.run("up", "--yes", "--skip-preview").ok()
    record(results, "no-op up without people", timed(project, ["up", "--yes"], emu))
    project.run("destroy", "--yes", "--skip-preview").ok()


def record(results: dict[str, StepResult], step: str, timing: Timing) -> None:
    r = results.setdefault(step, StepResult())
    r.seconds.append(timing.seconds)
    r.requests.append(timing.counts)
    r.cpu.append(timing.cpu)
    r.peak_rss_mb = max(r.peak_rss_mb, timing.rss_mb)


def people_report(table: list[tuple[PeopleCase, dict[str, StepResult]]], args: argparse.Namespace) -> list[str]:
    lines = [
        MEMBERS_HEADING,
        "",
        "One group with N people (`bench/people`: a list of 10,000 usernames is too long for stack config, which "
        f"the engine hands the program in one environment variable), median of {args.repeat} runs, {args.latency_ms:g} ms "
        "per request. *No-op up* includes its preview (as a user runs it) and *no-op up without people* is the "
        "same for the stack with the group alone; *change one person* swaps one person for another (one add, one "
        "removal); *refresh* covers the group's own resource too (one `get`) and, for Symphony, the login. "
        "*Requests* are all the emulator counted. Goals: a refresh in ⌈N / 100⌉ + 2 requests; a one-person "
        "change in 3 (+ login); a no-op `up` within 1.25 × the same stack without people; a SoftwareOne "
        "create or destroy within 1.5 × (the engine's no-op up + ⌈N / writers⌉ × latency), since that API "
        "takes one call per person; a provider peak under 150 MiB at 10,000 people. *Why* (on a row that misses): "
        "the CPU seconds each part of the step spent beyond the same step without people, as in the groups table.",
        "",
        "| people | N | step | s | requests | goal | goal met | why | provider peak RSS MiB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    latency = args.latency_ms / 1000
    for case, results in table:
        bare = statistics.median(results["no-op up without people"].seconds)
        for step in MEMBER_STEPS:
            r = results[step]
            total = sum(r.median_counts().values())
            seconds = statistics.median(r.seconds)
            goal, met = people_goal(case, step, seconds, total, bare, latency, args.writers, r.peak_rss_mb)
            rss = f"{r.peak_rss_mb:.0f}" if r.peak_rss_mb else "-"
            cause = why(r, results["no-op up without people"]) if met.startswith("misses") else ""
            lines.append(f"| {case.label} | {case.n} | {step} | {seconds:.2f} | "
                         f"{total}: {fmt_requests(r.median_counts())} | {goal} | {met} | {cause} | {rss} |")
    lines += ["", *growth_lines("people", {(c.label.split(" (")[0], c.n): res for c, res in table},
                                ("create", "refresh", "destroy"))]
    return lines


MEMORY_GOAL_MB = 150


def people_goal(case: PeopleCase, step: str, seconds: float, requests: int, bare: float, latency: float,
                writers: int, rss: float) -> tuple[str, str]:
    """The goal of one people row, and whether it is met (or by how much it misses)."""
    pages = math.ceil(case.n / case.page)
    if step == "no-op up without people":
        return "", ""
    if step == "refresh":
        return f"≤ {pages + 2} requests (⌈N / {case.page}⌉ + 2)", verdict(requests, pages + 2)
    if step == "change one person":
        return "≤ 3 requests (+ login)", verdict(requests - (1 if case.kind == "symphony" else 0), 3)
    if step == "no-op up":
        return f"≤ 1.25 × without people ({1.25 * bare:.2f} s)", verdict(seconds, 1.25 * bare, "s")
    if step in ("create", "destroy") and case.kind == "swo":
        floor = bare + math.ceil(case.n / writers) * latency
        return f"≤ 1.5 × (engine + ⌈N / {writers}⌉ × latency) ({1.5 * floor:.2f} s)", verdict(seconds, 1.5 * floor, "s")
    if case.n >= 10000 and rss:
        return f"peak RSS ≤ {MEMORY_GOAL_MB} MiB", verdict(rss, MEMORY_GOAL_MB, " MiB")
    return "", ""


def why(ours: StepResult, reference: StepResult) -> str:
    """Whose work a miss is: the CPU seconds each part of the step spent beyond the reference step's."""
    o, r = ours.median_cpu(), reference.median_cpu()
    return ", ".join(f"{part} {o[part] - r[part]:+.2f} s" for part in ROLES)


def verdict(value: float, goal: float, unit: str = "") -> str:
    """"met", or how far over the goal the value is."""
    if value <= goal:
        return "met"
    over = value - goal
    if unit and over < 0.005:
        return f"misses by < 0.01{unit}"
    return f"misses by {over:.2f}{unit}" if unit else f"misses by {over:g}"


def growth_lines(what: str, table: dict[tuple[str, int], dict[str, StepResult]], steps: tuple[str, ...]) -> list[str]:
    """Per kind and step, a least-squares line of time and requests against N: linear growth at a glance."""
    lines = [f"Growth ({what}): least-squares fit over the sizes above, seconds and requests against N."]
    for kind in dict.fromkeys(k for k, _ in table):
        sizes = sorted(n for k, n in table if k == kind)
        if len(sizes) < 2:
            continue
        for step in steps:
            rows = [table[(kind, n)][step] for n in sizes]
            secs = [statistics.median(r.seconds) for r in rows]
            reqs = [float(statistics.median(sum(c.values()) for c in r.requests)) for r in rows]
            t = statistics.linear_regression(sizes, secs)
            q = statistics.linear_regression(sizes, reqs)
            lines.append(f"- {kind}, {step}: time ≈ {t.intercept:.2f} s + {t.slope * 1000:.2f} ms × N; "
                         f"requests ≈ {q.intercept:.1f} + {q.slope:.3f} × N (N = {', '.join(map(str, sizes))})")
    return lines


def run_people(base: Path, bot, emu: Emulators, args: argparse.Namespace) -> list[str]:
    table = []
    for case in people_cases(args):
        results: dict[str, StepResult] = {}
        for r in range(args.repeat):
            emu.reset()
            project = PulumiProject(base / f"people-{case.kind}-{r}", stack="bench", program=ROOT / "bench" / "people")
            project.init({"symphony:podUrl": emu.symphony_url, "symphony:botUsername": bot.username,
                          "swo:apiUrl": emu.swo_url, "symphony:writers": str(args.writers),
                          "swo:writers": str(args.writers)},
                         {"symphony:botPrivateKey": bot.private_pem, "swo:apiToken": SWO_TOKEN})
            people_cycle(project, emu, case, results)
            project.cleanup()
            print(f"bench: {case.label} N={case.n} run {r + 1}/{args.repeat}: "
                  + ", ".join(f"{s} {results[s].seconds[-1]:.2f}s" for s in MEMBER_STEPS), flush=True)
        table.append((case, results))
    return people_report(table, args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="10,100,500")
    parser.add_argument("--latency-ms", type=float, default=25.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--people-sizes", default="100,1000,10000",
                        help="people in the one group of each API, one row set per size")
    parser.add_argument("--writers", type=int, default=8, help="the connections' people writers (their default)")
    parser.add_argument("--query-symphony", type=int, default=5000, help="pod users a query group matches")
    parser.add_argument("--query-swo", type=int, default=2000, help="account users a query group matches")
    parser.add_argument("--only", choices=("groups", "people", "queries"),
                        help="run one table; the others are kept as they are in --out")
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    latency = args.latency_ms / 1000
    out = Path(args.out)
    previous = out.read_text() if out.exists() else ""
    head, sep, tail = previous.partition("\n## Group ")  # the groups table, the people table, the queries
    kept_groups, kept_people = (head + "\n", "## Group " + tail) if sep else (previous, "")
    kept_people, qsep, qtail = kept_people.partition("\n" + queries.HEADING)
    kept_queries = queries.HEADING + qtail if qsep else ""

    table: dict[tuple[str, int], dict[str, StepResult]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        base = Path(tmp)
        bot = make_bot_key(base / "keys", "bench-bot")
        emu = Emulators(base / "emu", bot, SWO_TOKEN, "unused", latency_ms=args.latency_ms).start()
        try:
            members = run_people(base, bot, emu, args) if args.only in (None, "people") else None
            steps = queries.Steps(set_config, timed, record)
            chosen = queries.run_queries(base, bot, emu, args, steps, SWO_TOKEN) if args.only in (None, "queries") \
                else None
            for n in (sizes if args.only in (None, "groups") else []):
                for kind in ("baseline", "baseline-state", "symphony", "swo"):
                    results: dict[str, StepResult] = {}
                    for r in range(args.repeat):
                        emu.reset()
                        where = base / f"{kind}-{n}-{r}"
                        if kind in BASELINES:
                            project = PulumiProject(where, stack="bench", program=ROOT / "bench" / "baseline")
                            project.init({})
                        else:
                            project = PulumiProject(where, stack="bench")
                            project.init({"symphony:podUrl": emu.symphony_url, "symphony:botUsername": bot.username,
                                          "swo:apiUrl": emu.swo_url},
                                         {"symphony:botPrivateKey": bot.private_pem, "swo:apiToken": SWO_TOKEN})
                        run_cycle(project, kind, n, None if kind in BASELINES else emu, results)
                        project.cleanup()
                        print(f"bench: {kind} N={n} run {r + 1}/{args.repeat}: "
                              + ", ".join(f"{s} {results[s].seconds[-1]:.2f}s" for s in STEPS), flush=True)
                    table[(kind, n)] = results
        finally:
            emu.stop()

    groups_text = "\n".join(report(table, sizes, latency, args)) + "\n\n" if args.only in (None, "groups") \
        else kept_groups
    members_text = "\n".join(members) + "\n" if members is not None \
        else kept_people.rstrip("\n") + "\n"
    queries_text = "\n" + "\n".join(chosen) + "\n" if chosen is not None \
        else ("\n" + kept_queries.rstrip("\n") + "\n" if kept_queries else "")
    print(groups_text + members_text + queries_text)
    out.write_text(groups_text + members_text + queries_text)
    return 0


def report(table, sizes, latency, args) -> list[str]:
    pulumi = subprocess.run([str(pulumi_bin() / "pulumi"), "version"], capture_output=True, text=True).stdout.strip()
    mem = next((l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")), "?")
    lines = [
        "# Performance",
        "",
        "Generated by `python -m bench` (do not edit by hand). Each step is the median of "
        f"{args.repeat} runs against the emulators with {args.latency_ms:g} ms added to every API request; "
        "`pulumi` runs with `--skip-preview`. *Baseline* is the same step for N resources of a dynamic "
        "provider that makes no API call (`bench/baseline`): the engine's own cost. *Floor* is "
        "baseline + ceil(N / 4) × latency, since the Python dynamic-provider server runs at most four "
        "calls at once; *ratio* is ours / floor. *State baseline* is the same no-I/O provider keeping a "
        "user group's properties in state (same keys, values of the same size): the engine rewrites the "
        "whole checkpoint after every step, so its own cost grows with what each resource stores; "
        "*ratio (state)* is ours / (state baseline + ceil(N / 4) × latency), what remains of our own. "
        "*Requests* are those the emulator counted in the step (median run); *peak RSS* is the "
        "dynamic-provider process's high-water mark. *Goal*: a refresh reads the tenant's groups in pages "
        "(at most ⌈N / 100⌉ + 2 requests, and within 1.25 × (baseline + requests × latency)); a no-op `up` "
        "stays within 1.15 × the state baseline (it sends no request: what it costs beyond the state "
        "baseline is the program's and the provider's own work, config validation, resource "
        "construction and the engine's calls to `check` and `diff`). *Goal met* says by how much a row "
        "misses, and *why* whose work the difference is: the CPU seconds each part of the step spent beyond the "
        "reference the goal is set against (the baseline for a refresh, the state baseline for a no-op `up`), "
        "sampled from /proc: the *engine* (the `pulumi` CLI and its language host), the *program* (`__main__.py`: "
        "config validation, resource construction, pickling the providers) and the *provider* (the dynamic-"
        "provider process: its start, `check`, `diff`, `read`). The parts run side by side on two cores, so the "
        "CPU seconds can add up to more than the wall time they explain. Latency is `--latency-ms`: a run at 150 ms shows what a user far from the API sees.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {int(mem) // 1024 if mem != '?' else '?'} MiB; "
        f"pulumi {pulumi}; Python {platform.python_version()}; "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.",
        "",
        "| kind | N | step | baseline s | state baseline s | ours s | floor s | ratio | ratio (state) | requests "
        "| goal | goal met | why | provider peak RSS MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in sizes:
        for kind, label in (("symphony", "SymphonyUserGroup"), ("swo", "SwoUserGroup")):
            ours, base, fat = table[(kind, n)], table[("baseline", n)], table[("baseline-state", n)]
            for step in STEPS:
                o = statistics.median(ours[step].seconds)
                b = statistics.median(base[step].seconds)
                f = statistics.median(fat[step].seconds)
                api = math.ceil(n / 4) * latency if step != "no-op up" else 0
                floor = b + api
                counts = ours[step].median_counts()
                goal, met = group_goal(step, n, b, f, o, sum(counts.values()), latency)
                reference = base[step] if step == "refresh" else fat[step]
                cause = why(ours[step], reference) if "misses" in met else ""
                lines.append(f"| {label} | {n} | {step} | {b:.2f} | {f:.2f} | {o:.2f} | {floor:.2f} | {o / floor:.2f} | "
                             f"{o / (f + api):.2f} | {fmt_requests(counts)} | {goal} | {met} | {cause} | "
                             f"{ours[step].peak_rss_mb:.0f} |")
    lines += ["", *growth_lines("groups", {(label, n): table[(kind, n)] for n in sizes
                                           for kind, label in (("symphony", "SymphonyUserGroup"), ("swo", "SwoUserGroup"))},
                                ("create", "refresh", "destroy"))]
    return lines


GROUP_PAGE = 100


def group_goal(step: str, n: int, baseline: float, state: float, ours: float, requests: int,
               latency: float) -> tuple[str, str]:
    """The goal of one groups row, and whether it is met (or by how much it misses)."""
    if step == "refresh":
        most = math.ceil(n / GROUP_PAGE) + 2
        within = 1.25 * (baseline + requests * latency)
        misses = [m for m in (verdict(requests, most), verdict(ours, within, " s")) if m != "met"]
        return f"≤ {most} requests, ≤ {within:.2f} s", "; ".join(misses) or "met"
    if step == "no-op up" and n >= 100:
        return f"≤ 1.15 × state baseline ({1.15 * state:.2f} s)", verdict(ours, 1.15 * state, " s")
    return "", ""


if __name__ == "__main__":
    sys.exit(main())
