"""Local, stateful emulators of the Symphony Pod and SoftwareOne Marketplace user-group APIs.

They are the project's test doubles and the embedded default of the ``local``
stack: both listen on 127.0.0.1, validate request bodies against the project's
own OpenAPI documents (``emulators/specs``), keep their state in SQLite so it
survives a restart, count every request per route, and can inject faults per
route. ``python -m emulators --help`` starts them.
"""
