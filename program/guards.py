"""Edits that would take people out of a group without saying so, refused before anything is written.

The engine deletes a people resource whose key left the stack file, and that removes or
deactivates everyone it declared: removing `members:` (or `users:`, `assignees:`) from an entry
would take every declared person out. The program compares the entries with what the stack's
last update exported (a reference to this very stack), and fails `preview` naming the entry and
the people, unless the entry says what is meant: `members: []` with `maxRemovals` to remove
them, or `retainPeople: true` (applied by an earlier `up`) to leave them in place unmanaged.
"""

from __future__ import annotations

from typing import Any, Iterable

import pulumi

KINDS = ("members", "assignees", "users")


def previous_exports() -> pulumi.Output[Any]:
    """What this stack's last update exported (``None`` for a stack never updated)."""
    me = pulumi.StackReference(f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}")
    return pulumi.Output.all(me.get_output("symphonyGroups"), me.get_output("swoGroups"))


def dropped_people(list_name: str, entries: Iterable[tuple[str, Any]], previous: Any, where: str) -> list[str]:
    """One problem per entry whose people key is gone while the last update declared people under it."""
    before = previous if isinstance(previous, dict) else {}
    problems = []
    for key, entry in entries:
        old = next((before[k] for k in (key, *entry.former_keys) if isinstance(before.get(k), dict)), None)
        if old is None or old.get("retainPeople"):
            continue
        now = entry.people()
        for kind in KINDS:
            gone = old.get(kind) if kind not in now else None
            if isinstance(gone, list) and gone:
                shown = ", ".join(map(str, gone[:10])) + (f" and {len(gone) - 10} more" if len(gone) > 10 else "")
                problems.append(
                    f"{where}: {list_name} ('{key}'): {kind}: removing the key would take {len(gone)} {kind} out of "
                    f"the group ({shown}); to remove them write `{kind}: []` with `maxRemovals: {len(gone)}`; to "
                    "stop managing them and leave them in place, set `retainPeople: true`, run `pulumi up`, then "
                    "remove the key")
    return problems


def guard(previous: pulumi.Output[Any], symphony: list[tuple[str, Any]], swo: list[tuple[str, Any]],
          where: str) -> pulumi.Output[bool]:
    """Resolves once every entry keeps the people keys it had (the run fails at ``preview`` otherwise)."""
    def check(both: Any) -> bool:
        sym_before, swo_before = both if isinstance(both, list) and len(both) == 2 else (None, None)
        problems = (dropped_people("usergroups:symphonyGroups", symphony, sym_before, where)
                    + dropped_people("usergroups:swoGroups", swo, swo_before, where))
        if problems:
            raise pulumi.RunError("people would be removed by an edit that does not say so:\n  " +
                                  "\n  ".join(problems))
        return True

    return previous.apply(check)


def after(passed: pulumi.Output[bool], value: Any) -> pulumi.Output[Any]:
    """``value``, once the guard has passed."""
    return pulumi.Output.all(passed, pulumi.Output.from_input(value)).apply(lambda pair: pair[1])
