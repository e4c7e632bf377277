"""The E-Smart HTTP client against the fake server: retries, backoff, Retry-After, auth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from plugins.esmart_sync.client import (
    EsmartAuthError,
    EsmartClient,
    EsmartError,
    PhotoError,
    PhotoFetcher,
    retry_after_seconds,
)
from tests.fakes.esmart_server import FakeEsmart, synthetic_record


@pytest.fixture
def fake():
    records = [synthetic_record(i, 2) for i in range(5)]
    with FakeEsmart(records=records) as server:
        yield server


def client(fake, **kw):
    waits = []
    return EsmartClient(fake.url, fake.api_key, sleep=waits.append, **kw), waits


def test_retry_after_is_seconds_or_an_http_date():
    clock = lambda: datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # noqa: E731
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(format_datetime(clock() + timedelta(seconds=30), usegmt=True), clock) == 30.0
    assert retry_after_seconds("kapan-kapan") is None and retry_after_seconds(None) is None


def test_pages_are_fetched_until_the_total_is_reached(app, fake):
    esmart, _waits = client(fake)
    pages = list(esmart.iter_pages(None, per_page=2))
    assert [len(p) for p in pages] == [2, 2, 1]
    assert pages[2][0]["id"] == "ESM-SYN-000004"


def test_a_server_that_gives_fewer_per_page_than_asked_is_paged_to_the_end(app, fake):
    fake.max_per_page = 2
    esmart, _waits = client(fake)
    assert [len(p) for p in esmart.iter_pages(None, per_page=100)] == [2, 2, 1]


def test_backoff_doubles_and_retry_after_wins(app, fake):
    fake.fail(503, times=3)
    fake.fail(429, headers={"Retry-After": "5"})
    esmart, waits = client(fake, max_attempts=6)
    assert len(list(esmart.iter_pages(None))) == 1
    assert waits == [1.0, 2.0, 4.0, 5.0]


def test_the_total_wait_is_capped(app, fake):
    fake.fail(429, times=9, headers={"Retry-After": "3600"})
    esmart, waits = client(fake, max_wait=120)
    with pytest.raises(EsmartError, match="429"):
        list(esmart.iter_pages(None))
    assert waits == []  # an hour is beyond the budget: fail now rather than hang


def test_a_wrong_key_is_not_retried(app, fake):
    esmart = EsmartClient(fake.url, "salah", sleep=lambda s: pytest.fail("slept"))
    with pytest.raises(EsmartAuthError, match="ESMART_API_KEY"):
        list(esmart.iter_pages(None))


def test_a_timeout_is_retried_then_reported(app):
    import socket

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        esmart = EsmartClient(
            f"http://127.0.0.1:{silent.getsockname()[1]}", "k", timeout=(0.5, 0.2), max_attempts=2, sleep=lambda s: None
        )
        with pytest.raises(EsmartError, match="ReadTimeout"):
            list(esmart.iter_pages(None))


def test_photos_are_capped_in_size_and_type(app, fake):
    fetcher = PhotoFetcher(allow_private=True, max_bytes=1024 * 1024)
    assert fetcher.fetch(fake.url + "/foto/batik.jpg")[:2] == b"\xff\xd8"
    for name, reason in (("raksasa.jpg", "lebih besar"), ("halaman.jpg", "tidak berisi gambar"), ("x.jpg", "404")):
        with pytest.raises(PhotoError, match=reason):
            fetcher.fetch(fake.url + "/foto/" + name)
    assert fetcher.fetch(fake.url + "/foto/pindah.jpg")[:2] == b"\xff\xd8"  # a redirect is followed
    with pytest.raises(PhotoError, match="pengalihan"):
        fetcher.fetch(fake.url + "/foto/putar.jpg")
    with pytest.raises(PhotoError, match="jaringan internal"):
        PhotoFetcher().fetch(fake.url + "/foto/batik.jpg")
    assert PhotoFetcher(trusted_hosts=("127.0.0.1",)).fetch(fake.url + "/foto/teh.png")[:4] == b"\x89PNG"
