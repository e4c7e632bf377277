"""The page cache's change log without Redis (marketplace/pagecache_log.py): lines from many
processes at once never mix, a reader takes whole lines only, and a reader that cannot know
what it missed starts again."""

from __future__ import annotations

import multiprocessing
import uuid

import pytest

from marketplace import pagecache_tags as tags
from marketplace.pagecache_log import ChangeView, FileLog


def _write_lines(path: str, writer: int, count: int) -> None:
    log = FileLog(path)
    for n in range(count):
        log.append({f"w{writer}:{n}", *(f"pad{writer}-{i}" for i in range(150))})  # ~1.5 KB lines


def test_lines_written_by_many_processes_at_once_never_mix(tmp_path):
    path = str(tmp_path / "changes")
    FileLog(path)._touch()
    view = ChangeView()
    reader = FileLog(path)
    reader.sync(view)
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_write_lines, args=(path, w, 150)) for w in range(4)]
    for process in writers:
        process.start()
    seen = 0
    while any(p.is_alive() for p in writers):
        assert not reader.sync(view)  # read while they write: never a restart, never half a line
        seen = len(view.last)
    for process in writers:
        process.join()
        assert process.exitcode == 0
    assert not reader.sync(view)
    assert len(view.last) >= seen
    lines = open(path, "rb").read().split(b"\n")[:-1]
    assert len(lines) == 600
    for line in lines:
        words = line.decode().split()
        writers_named = {word.split(":")[0] for word in words if ":" in word}
        assert len(words) == 151 and len(writers_named) == 1, line[:80]
        writer = writers_named.pop()[1:]
        assert all(word.startswith(f"pad{writer}-") for word in words if ":" not in word)
    assert {f"w{w}:{n}" for w in range(4) for n in range(150)} <= set(view.last)


def test_a_view_takes_whole_lines_and_knows_when_each_tag_changed(tmp_path):
    path = tmp_path / "changes"
    log, view = FileLog(path), ChangeView()
    assert log.sync(view)  # the first reading: a start
    start = view.position
    log.append({"p:1", "store:2"})
    first = start + len("p:1 store:2\n")
    with open(path, "ab") as half:
        half.write(b"p:3")
    assert not log.sync(view)
    assert view.position == first and view.last == {"p:1": first, "store:2": first}
    assert view.stale({"p:1"}, start, view.epoch) and not view.stale({"p:1"}, first, view.epoch)
    assert not view.stale({"p:3", "all"}, start, view.epoch)
    with open(path, "ab") as half:
        half.write(b" all\n")
    assert not log.sync(view)
    assert view.stale({"all"}, first, view.epoch) and view.last["p:3"] == view.position
    assert view.stale({"p:9"}, view.position, view.epoch - 1)  # another epoch: stale whatever the tags


def test_a_replaced_or_far_ahead_file_starts_the_view_again(tmp_path, monkeypatch):
    path = tmp_path / "changes"
    log, view = FileLog(path), ChangeView()
    log.sync(view)
    epoch = view.epoch
    log.append({"p:1"})
    log._replace()
    assert log.sync(view) and view.epoch == epoch + 1 and view.last == {} and view.position == 0
    monkeypatch.setattr(FileLog, "CATCH_UP_BYTES", 10)
    log.append({"p:1", "p:2", "p:3", "p:4"})
    assert log.sync(view) and view.epoch == epoch + 2  # too far behind: cheaper to start again
    monkeypatch.setattr(FileLog, "MAX_BYTES", 30)
    log.append({"p:5", "p:6", "p:7", "p:8"})  # past the size: the writer replaces the file
    assert path.stat().st_size == 0
    assert log.sync(view) and view.epoch == epoch + 3


def test_a_missing_file_is_made(tmp_path):
    path = tmp_path / "changes"
    log, view = FileLog(path), ChangeView()
    assert log.sync(view) and path.exists()
    path.unlink()
    assert log.sync(view)  # gone (someone cleaned the folder): made again, and what was missed is unknown
    log.append({"p:1"})
    assert not log.sync(view) and "p:1" in view.last


def test_a_lagging_tag_counts_once_the_entry_is_old_enough():
    view = ChangeView()
    view.apply([(5, ["stock@all"]), (6, ["p:1"])], 6)
    lagging = [tags.lagging("stock@all")]
    assert not view.stale(lagging, 4, view.epoch, age=tags.LAG_SECONDS - 1)
    assert view.lagging_behind(lagging, 4)
    assert view.stale(lagging, 4, view.epoch, age=tags.LAG_SECONDS)
    assert not view.stale(lagging, 5, view.epoch, age=tags.LAG_SECONDS * 10)  # rendered after it
    assert not view.lagging_behind(lagging, 5)
    assert view.stale(["p:1", *lagging], 5, view.epoch)  # a plain tag counts at once
    assert view.stale(lagging, 9, view.epoch + 1)  # another epoch: stale whatever the age


# --- judging a page another process kept (the shared pages) ---------------------------------


def test_a_new_reader_reads_the_file_from_its_start_and_can_judge_older_pages(tmp_path):
    path = tmp_path / "changes"
    writer = FileLog(path)
    writer.append({"p:1"})
    made_at = len("p:1\n")  # a page another process rendered after that change
    writer.append({"p:2"})
    view = ChangeView()
    assert FileLog(path).sync(view)
    assert view.base == 0 and view.position == made_at + len("p:2\n")
    assert view.last == {"p:1": made_at, "p:2": view.position}
    epoch = view.adopt(made_at, view.origin)
    assert epoch == view.epoch
    assert view.stale({"p:2"}, made_at, epoch) and not view.stale({"p:1", "p:3"}, made_at, epoch)
    assert view.adopt(made_at, ("another", "file")) is None  # another numbering: cannot be judged
    assert view.origin_of(epoch) == view.origin and view.origin_of(epoch - 1) is None


def test_a_reader_that_starts_at_the_end_cannot_judge_pages_made_before(tmp_path, monkeypatch):
    path = tmp_path / "changes"
    writer = FileLog(path)
    writer.append({"p:1"})
    made_at = len("p:1\n")
    writer.append({"p:2"})
    monkeypatch.setattr(FileLog, "CATCH_UP_BYTES", 4)  # too long to read: starts at the end
    view = ChangeView()
    FileLog(path).sync(view)
    assert view.base == view.position > made_at and view.last == {}
    assert view.adopt(made_at, view.origin) is None  # what changed between them is unknown here
    assert view.adopt(view.position, view.origin) == view.epoch


def test_a_replaced_file_is_another_numbering(tmp_path):
    path = tmp_path / "changes"
    log, view = FileLog(path), ChangeView()
    log.append({"p:1"})
    log.sync(view)
    before = view.origin
    log._replace()
    log.append({"p:2"})
    log.sync(view)
    assert view.origin != before and view.adopt(view.position, before) is None


@pytest.mark.redis
def test_a_new_redis_reader_reads_the_last_entries_and_judges_pages_from_then_on(redis_url):
    import redis

    from marketplace.pagecache_log import RedisLog

    client = redis.Redis.from_url(redis_url, decode_responses=True)
    prefix = f"apik:test:{uuid.uuid4().hex}:"
    try:
        log = RedisLog(client, prefix)
        for n in range(5):
            log.append({f"p:{n}"})
        head = client.get(log.counter)
        view = ChangeView()
        assert log.sync(view, head)
        assert view.base == 1 and view.position == 5 and view.last == {f"p:{n}": n + 1 for n in range(1, 5)}
        assert view.adopt(3, prefix + "changes") == view.epoch and view.stale({"p:4"}, 3, view.epoch)
        assert view.adopt(0, prefix + "changes") is None  # before the oldest entry read: unknown
        monkeypatched = RedisLog(client, prefix)
        monkeypatched.CATCH_UP = 2
        later = ChangeView()
        monkeypatched.sync(later, head)
        assert later.base == 4 and later.adopt(3, prefix + "changes") is None
    finally:
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
