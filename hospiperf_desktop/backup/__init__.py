"""Backups of the database: created, checked, listed, rotated and restored (docs/backups.md).

No Qt here: the CLI (`hospiperf backup ...`) and the window call the same functions.
"""
