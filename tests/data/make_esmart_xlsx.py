"""Writes esmart_sample.xlsx from esmart_sample.csv, the way an agency's
spreadsheet looks: a title-cased sheet, numbers as numbers, NIB as text.

    .venv/bin/python tests/data/make_esmart_xlsx.py [--photo-base URL] [--output PATH]
"""

from __future__ import annotations

import argparse
import csv
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
NUMBERS = {"harga", "stok", "berat_gram"}
PHOTO_BASE = "https://esmart.test"


def write_xlsx(output: Path, source: Path = HERE / "esmart_sample.csv", photo_base: str | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Peserta Expo"
    with open(source, encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        sheet.append(header)
        for row in rows:
            cells = []
            for name, value in zip(header, row, strict=False):
                if name in NUMBERS and value.isdigit():
                    cells.append(int(value))
                elif name == "foto_url" and photo_base:
                    cells.append(value.replace(PHOTO_BASE, photo_base))
                else:
                    cells.append(value or None)
            sheet.append(cells)
    workbook.properties.creator = "Disnakerin Kota Tegal"
    workbook.properties.created = workbook.properties.modified = datetime(2026, 11, 27, 9, 0)
    workbook.save(output)
    return output


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photo-base", default=None)
    parser.add_argument("--output", type=Path, default=HERE / "esmart_sample.xlsx")
    args = parser.parse_args()
    print(write_xlsx(args.output, photo_base=args.photo_base))
