"""Micro-benchmarks of the cold path's small speed-ups (issue #23), each against the code it
replaced, in one process, interleaved, so the machine's load weighs on both alike:

    .venv/bin/python bench/micro.py            # every case
    .venv/bin/python bench/micro.py gettext    # one

``gettext``: a template of 30 ``_()`` strings, with flask_babel's own template callables
(``get_translations()`` per string) and with the app's (``i18n.translations()``, once per
request). ``media_url``: 24 placeholder and 24 photo URLs, with ``url_for`` every time and
with the app's ``media_url``. Prints µs per render (median of the rounds) and the gain.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(Path(os.environ.get("APIK_APP_ROOT") or BENCH.parent)))


def build_app():
    from marketplace import create_app

    folder = tempfile.mkdtemp(prefix="apik-micro-")
    return create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder}/micro.sqlite",
            "SECRET_KEY": "micro-" + "x" * 40,
            "UPLOAD_FOLDER": folder,
            "RATELIMIT_ENABLED": False,
        }
    )


def compare(cases: dict, rounds: int = 30, per_round: int = 200) -> dict:
    """µs per call of each function, median over rounds that alternate between them."""
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for fn in cases.values():
        fn()
    for _ in range(rounds):
        for name, fn in cases.items():
            t0 = time.perf_counter()
            for _ in range(per_round):
                fn()
            timings[name].append((time.perf_counter() - t0) * 1e6 / per_round)
    return {name: statistics.median(values) for name, values in timings.items()}


def case_gettext(app) -> dict:
    from flask_babel import get_translations

    strings = [
        f"{{{{ _('Cari') }}}} {{{{ _('Keranjang') }}}} {{{{ _('Masuk') }}}} {{{{ _('Daftar') }}}} {i}" for i in range(8)
    ]
    source = " ".join(strings[:7]) + " {{ _('Menu') }} {{ _('Sektor') }}"  # 30 strings
    fast = app.jinja_env.from_string(source)
    original = app.jinja_env.overlay()
    original.globals = dict(app.jinja_env.globals)  # an overlay shares its parent's globals: copy first
    # what flask_babel installs, through the overlay's own extension (env.install_gettext_callables
    # is the parent's, copied by overlay(): it would change the parent's globals)
    original.extensions["jinja2.ext.InternationalizationExtension"]._install_callables(
        gettext=lambda s: get_translations().ugettext(s),
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
    )
    slow = original.from_string(source)
    with app.test_request_context("/?lang=en"):
        assert fast.render() == slow.render() and "Search" in fast.render(), "the same English text"
        return compare({"flask_babel's callables": slow.render, "i18n.translations()": fast.render})


def case_media_url(app) -> dict:
    from flask import url_for

    from marketplace import media

    def with_url_for() -> None:
        for i in range(24):
            url_for("static", filename="img/placeholder.svg")
            url_for("media.serve", path=media.thumb_path(f"products/{i:032x}.jpg", 400))

    def with_media_url() -> None:
        for i in range(24):
            media.media_url(None, 400)
            media.media_url(f"products/{i:032x}.jpg", 400)

    with app.test_request_context("/"):
        assert media.media_url(None, 400) == url_for("static", filename="img/placeholder.svg")
        path = media.thumb_path("products/ab.jpg", 400)
        assert media.media_url("products/ab.jpg", 400) == url_for("media.serve", path=path)
        return compare({"url_for each time": with_url_for, "media_url": with_media_url}, per_round=20)


CASES = {"gettext": case_gettext, "media_url": case_media_url}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", choices=[*CASES, []], help="default: every case")
    args = parser.parse_args(argv)
    app = build_app()
    import logging

    logging.getLogger("marketplace").setLevel(logging.ERROR)
    for name in args.cases or CASES:
        result = CASES[name](app)
        (before, old), (after, new) = result.items()
        print(f"{name}: {before} {old:.1f} µs, {after} {new:.1f} µs ({(1 - new / old) * 100:.0f} % less)")


if __name__ == "__main__":
    main()
