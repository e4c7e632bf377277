"""Rebuild marketplace/shipping/data/regions.csv.gz from cahyadsn/wilayah's db/wilayah.sql.

    python scripts/regions_from_wilayah_sql.py path/to/wilayah.sql [output.csv.gz]

The SQL file (MIT licence, https://github.com/cahyadsn/wilayah) lists every Kemendagri region as
``('33.76.01','Tegal Barat'),`` rows of INSERT statements. This keeps the code and the name
(quotes unescaped, spaces trimmed), sorted by code, as two-column CSV without a header, gzipped
with a zero timestamp so the same input gives the same bytes. Read the counts it prints against
data/README.md before committing a new file.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
from collections import Counter
from pathlib import Path

ROW = re.compile(r"\('(\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?)'\s*,\s*'((?:[^']|'')*)'\)")
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "marketplace" / "shipping" / "data" / "regions.csv.gz"
LEVELS = ("provinces", "regencies", "districts", "villages")


def rows_of(sql: str) -> list[tuple[str, str]]:
    """(code, name) of every region in the SQL text, by code; a code given twice keeps its last name."""
    found = {code: " ".join(name.replace("''", "'").split()) for code, name in ROW.findall(sql)}
    return sorted(found.items())


def csv_gz(rows: list[tuple[str, str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=9) as packed:
        packed.write(text.getvalue().encode("utf-8"))
    return out.getvalue()


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    rows = rows_of(Path(argv[1]).read_text(encoding="utf-8"))
    output = Path(argv[2]) if len(argv) == 3 else DEFAULT_OUTPUT
    output.write_bytes(csv_gz(rows))
    counts = Counter(code.count(".") for code, _name in rows)
    print(", ".join(f"{counts[n]:,} {LEVELS[n]}" for n in range(4)), f"({len(rows):,} rows) → {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
