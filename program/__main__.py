"""``python -m program <command>``: the program's own commands: ``discover`` and ``report``."""

from __future__ import annotations

import sys

from program import discover, report

COMMANDS = {"discover": discover.main, "report": report.main}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python -m program {{{','.join(COMMANDS)}}} [--help]", file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
