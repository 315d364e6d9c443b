"""The official clients' checks run in their own virtualenv, never in this one."""

collect_ignore = ["official"]
