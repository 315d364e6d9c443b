"""This project's program: reading the stack files that declare the groups. Not part of the library."""
