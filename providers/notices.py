"""Warnings a dynamic provider shows the user beside the resource's output."""

from __future__ import annotations

import sys


def warn(message: str) -> None:
    """A warning the CLI shows with the resource's output."""
    # print() from a dynamic provider reaches the CLI's output; pulumi.log cannot be used here.
    print(f"warning: {message}", file=sys.stderr, flush=True)


def tell(message: str) -> None:
    """A line the CLI shows with the resource's output that is no warning (e.g. what a plan changes)."""
    print(message, file=sys.stderr, flush=True)
