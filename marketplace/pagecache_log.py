"""The page cache's shared change log: the tags each commit changed, in commit order, read by
every process at the start of each request (marketplace/pagecache.py, "Invalidation").

A line of the log is the tags of one commit (marketplace/pagecache_tags.py) and its position a
number that only grows. Each process keeps a :class:`ChangeView`: how far it has read, and for
each tag the position of the last change naming it. A page records the position its request
read before any statement; it is stale when one of its tags changed at a later position.

Where it lives: without Redis, an append-only file beside the generation files (the workers of
one host); a line is one ``write`` to a file opened with ``O_APPEND`` (never interleaved with
another's), its position the byte offset of its end, and a reader takes only whole lines. Past
``MAX_BYTES`` the file is replaced by an empty one. With ``REDIS_URL``, a stream capped at
``KEEP`` entries, each with a number from a counter (one script: the counter and the entry move
together), so every host reads the same order; the counter is read with the generations, in
the same round trip. A process that cannot read what it missed (the file was replaced, the
stream trimmed past it, Redis lost it) starts again: its pages and memos are dropped.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

from marketplace.pagecache_tags import LAG, LAG_SECONDS


class ChangeView:
    """This process's reading of the log. ``epoch`` grows each time it starts again (every
    position before belongs to another numbering, so an entry of another epoch is stale), or
    forgets the tags it knows when they pass ``MAX_TAGS`` (their memory stays bounded)."""

    MAX_TAGS = 200_000

    def __init__(self):
        self.lock = threading.Lock()
        self.epoch = 0
        self.position = 0
        self.base = 0  # every change after this position (of this origin) is in ``last``
        self.last: dict[str, int] = {}  # tag: position of the last change naming it
        self.source: object = None  # where the reading stands: the file's identity, the stream's id
        self.origin: object = None  # which numbering the positions belong to (a file's identity)

    def stale(self, tags: Iterable[str], position: int, epoch: int, age: float = 0.0) -> bool:
        """Did a change name one of ``tags`` after ``position`` (read in ``epoch``)? A lagging
        tag (``~<tag>``, pagecache_tags.lagging) counts only once the entry is ``age``
        seconds old (``LAG_SECONDS``)."""
        last = self.last
        if epoch != self.epoch:
            return True
        late = age >= LAG_SECONDS
        for tag in tags:
            if tag[:1] == LAG:
                if late and last.get(tag[1:], -1) > position:
                    return True
            elif last.get(tag, -1) > position:
                return True
        return False

    def lagging_behind(self, tags: Iterable[str], position: int) -> bool:
        """Did a change name a lagging tag of ``tags`` after ``position``: what the entry
        shows of it is late, though not yet too late?"""
        last = self.last
        return any(tag[:1] == LAG and last.get(tag[1:], -1) > position for tag in tags)

    def mark(self) -> tuple[int, int]:
        """(epoch, position) as a request reads them before its first statement. The epoch
        first: a restart sets the position before the epoch, so a position never meets the
        epoch after its own."""
        epoch = self.epoch
        return epoch, self.position

    def adopt(self, position: int, origin: object) -> int | None:
        """The epoch in which an entry another process made at ``position`` of ``origin`` can be
        judged by this view (every change after it is known here), or None when it cannot."""
        with self.lock:
            if origin is None or origin != self.origin or position < self.base:
                return None
            return self.epoch

    def origin_of(self, epoch: int) -> object:
        """The numbering of positions read in ``epoch``; None once this view started again."""
        with self.lock:
            return self.origin if epoch == self.epoch else None

    def apply(self, changes: Iterable[tuple[int, list[str]]], position: int, source: object = None) -> bool:
        """Note the changes read up to ``position``; True when it forgot every tag instead."""
        last = self.last
        for at, tags in changes:
            for tag in tags:
                last[tag] = at
        self.position = position
        if source is not None:
            self.source = source
        if len(last) > self.MAX_TAGS:
            self.restart(position, self.source, self.origin)
            return True
        return False

    def restart(self, position: int, source: object, origin: object = None) -> None:
        """Read on from ``position`` knowing no change before it (``origin``: the numbering,
        when it differs from ``source``)."""
        self.position = self.base = position
        self.last = {}
        self.source = source
        self.origin = source if origin is None else origin
        self.epoch += 1


# --- without Redis: a file ---------------------------------------------------------------


class FileLog:
    """The log as an append-only file shared by the workers of one host."""

    MAX_BYTES = 2 * 1024 * 1024  # then replaced by an empty file (every process starts again)
    CATCH_UP_BYTES = 1024 * 1024  # further behind than this: start again rather than read it all
    ATTEMPTS = 3

    def __init__(self, path: Path):
        self.name = str(path)
        self._fd: int | None = None  # held open: its inode cannot be reused while we read it

    def sync(self, view: ChangeView) -> bool:
        """Read what was appended since ``view`` last read; True when it started again."""
        try:
            found = os.stat(self.name)
        except FileNotFoundError:
            found = None
        if found is not None and view.source == (found.st_dev, found.st_ino) and found.st_size == view.position:
            return False  # nothing new: one stat, the cost of a generation file's read
        with view.lock:
            return self._sync_locked(view)

    def _sync_locked(self, view: ChangeView) -> bool:
        try:
            found = os.stat(self.name)
        except FileNotFoundError:
            self._touch()
            return self._reopen(view)
        if view.source != (found.st_dev, found.st_ino) or self._fd is None:
            return self._reopen(view)  # replaced (or first use): what we missed is unknown
        behind = found.st_size - view.position
        if behind < 0 or behind > self.CATCH_UP_BYTES:
            return self._reopen(view)
        return self._read(view, self._fd, behind)

    def _read(self, view: ChangeView, fd: int, behind: int) -> bool:
        if behind:
            data = os.pread(fd, behind, view.position)
            whole = data.rfind(b"\n") + 1  # a line still being written is read next time
            if whole:
                changes, at = [], view.position
                for line in data[:whole].split(b"\n")[:-1]:
                    at += len(line) + 1
                    changes.append((at, line.decode("utf-8", "replace").split()))
                return view.apply(changes, view.position + whole)
        return False

    def _reopen(self, view: ChangeView) -> bool:
        """Start again on the file as it is now. A file small enough is read from its start, so
        that a page another process kept since the file began can be judged here (its
        position is known; see marketplace/pagecache_storage.py, the shared pages)."""
        fd = os.open(self.name, os.O_RDONLY)
        if self._fd is not None:
            os.close(self._fd)
        self._fd = fd
        found = os.fstat(fd)
        start = 0 if found.st_size <= self.CATCH_UP_BYTES else found.st_size
        view.restart(start, (found.st_dev, found.st_ino))
        self._read(view, fd, found.st_size - start)
        return True

    def _touch(self) -> None:
        os.close(os.open(self.name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644))

    def append(self, tags: Iterable[str]) -> bool:
        """One line, one ``write``. If the file was replaced while we wrote, the line is written
        to the new one too (a reader of the old one starts again anyway). OSError when it
        cannot be written: the caller falls back to the generations. True when this line
        filled the file and it was replaced: the caller replaces the generations too, so
        no page numbered by the old file is reached once its inode may be reused."""
        line = (" ".join(sorted(tags)) + "\n").encode()
        for _attempt in range(self.ATTEMPTS):
            fd = os.open(self.name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                written = os.write(fd, line)
                mine = os.fstat(fd)
            finally:
                os.close(fd)
            if written != len(line):
                raise OSError(f"page cache: short write to {self.name}")
            try:
                now = os.stat(self.name)
            except FileNotFoundError:
                continue
            if (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino):
                if mine.st_size > self.MAX_BYTES:
                    self._replace()
                    return True
                return False
        raise OSError(f"page cache: {self.name} kept being replaced")

    def _replace(self) -> None:
        path = Path(self.name)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_bytes(b"")
        os.replace(temporary, path)


# --- with Redis: a capped stream -----------------------------------------------------------

# the counter and the entry in one step: entries are in counter order, with no number skipped
_APPEND = """
local n = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'n', n, 't', ARGV[1])
return n
"""


class RedisLog:
    """The log as a Redis stream, shared by every worker and host."""

    KEEP = 20_000  # entries kept (about; Redis trims whole nodes)
    CATCH_UP = 2_000  # entries read at once; further behind: start again

    def __init__(self, client, prefix: str):
        self.client = client
        self.counter = prefix + "changes:n"
        self.stream = prefix + "changes"
        self._append = client.register_script(_APPEND)

    def append(self, tags: Iterable[str]) -> None:
        self._append(keys=[self.counter, self.stream], args=[" ".join(sorted(tags)), self.KEEP])

    def sync(self, view: ChangeView, head: str | None) -> bool:
        """Read the entries after ``view``'s up to ``head`` (the counter, read with the
        generations); True when it started again."""
        newest = int(head or 0)
        if view.source is not None and newest == view.position:
            return False
        with view.lock:
            if view.source is None:
                return self._restart(view)
            if newest <= view.position:  # another thread read them, or Redis lost the counter:
                return False  # a lost counter shows as a gap when the next entry comes
            entries = self.client.xrange(self.stream, "(" + str(view.source), "+", count=self.CATCH_UP)
            if not entries or int(entries[0][1]["n"]) != view.position + 1:
                return self._restart(view)  # trimmed past us, or a Redis that started afresh
            changes = [(int(fields["n"]), fields.get("t", "").split()) for _id, fields in entries]
            return view.apply(changes, changes[-1][0], entries[-1][0])

    def _restart(self, view: ChangeView) -> bool:
        """Start again from the last ``CATCH_UP`` entries, read: a page another process kept
        since the oldest of them can be judged here. The numbering is the stream's own: the
        pages shared through Redis live beside it and go with it (see pagecache_storage)."""
        newest = self.client.xrevrange(self.stream, "+", "-", count=self.CATCH_UP)
        if newest:
            entries = newest[::-1]
            view.restart(int(entries[0][1]["n"]), entries[0][0], origin=self.stream)
            changes = [(int(fields["n"]), fields.get("t", "").split()) for _id, fields in entries[1:]]
            if changes:
                view.apply(changes, changes[-1][0], entries[-1][0])
        else:
            view.restart(int(self.client.get(self.counter) or 0), "0-0", origin=self.stream)
        return True
