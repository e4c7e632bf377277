"""One compiled form of each template for the whole test session.

Every test builds its own app, so every app has its own Jinja environment and compiled each
template it rendered again: 196 compiles for 111 tests, 15 % of their time under cProfile.
Jinja's bytecode cache is made for this: a template's code is kept under its name and file,
and used only while the source's checksum is the same (a changed template compiles again).
Every app of the suite sets its environment up the same way (create_app: the same
extensions, autoescaping and gettext), so the code compiled by one serves all.
"""

from __future__ import annotations

from flask import Flask
from jinja2.bccache import Bucket, BytecodeCache


class SessionBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


CACHE = SessionBytecodeCache()


def install() -> None:
    """Every Flask app made from now on in this process shares CACHE (idempotent)."""
    Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": CACHE}
