"""Symphony compliance user groups (``/pod/v2/admin/usergroups``)."""
