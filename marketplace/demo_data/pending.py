"""A store that opened but still waits for the agency's verification (no expo zone)."""

from __future__ import annotations

from marketplace.demo_data.stores import DemoProduct as P
from marketplace.demo_data.stores import DemoStore

PENDING = [
    DemoStore(
        "Sabun Herbal Kembang Tegal",
        "kosmetik",
        "Kota Tegal",
        "Jl. Sipelem No. 14, Kemandungan, Tegal Barat",
        "9120101234519",
        "0857-2633-4019",
        "Sabun padat dan lulur dari minyak kelapa dan rempah, dibuat dengan proses dingin tanpa pewangi "
        "sintetis. Bu Nur Aeni mulai membuat sabun di dapur rumahnya di Kemandungan, Tegal Barat, tahun "
        "2020. Buka Senin-Jumat pukul 09.00-16.00 WIB. Melayani pesanan partai untuk hampers dan suvenir.",
        "Nur Aeni",
        status="pending",
        products=[
            P(
                "Sabun Sereh Wangi",
                "perawatan-tubuh",
                "pcs",
                110,
                "Sabun batang minyak kelapa dengan sereh wangi, 100 g.",
                [("100 g", 20000, 30)],
            ),
            P(
                "Lulur Bengkoang",
                "kosmetik",
                "toples",
                220,
                "Lulur bengkoang dan beras untuk mencerahkan kulit.",
                [("200 g", 35000, 20)],
            ),
        ],
    ),
]
