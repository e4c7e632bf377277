"""The kriya zone's stores: pandan weaving, clay teapots, shell crafts."""

from __future__ import annotations

from marketplace.demo_data.stores import DemoProduct as P
from marketplace.demo_data.stores import DemoStore

KRIYA = [
    DemoStore(
        "Anyaman Pandan Kaligangsa",
        "kriya",
        "Kota Tegal",
        "Kel. Kaligangsa, Kec. Margadana",
        "9120101234513",
        "0812-2655-0312",
        "Anyaman pandan duri dari perajin ibu-ibu Kaligangsa: tikar, tas, keranjang, dan topi yang kuat dan "
        "wangi pandan. Daun pandan kami ambil dari pinggir sawah Margadana, dijemur, diwarnai, lalu dianyam "
        "di rumah masing-masing; kelompok ini berdiri tahun 2008 dengan 20 anggota. Buka Senin-Sabtu pukul "
        "08.00-15.00 WIB. Melayani pesanan partai untuk suvenir pernikahan, seminar, dan toko kerajinan.",
        "Rusmini",
        featured=True,
        products=[
            P(
                "Tikar Pandan Lipat",
                "anyaman",
                "lembar",
                1500,
                "Tikar pandan anyam tangan, dilipat tiga, untuk lesehan dan piknik.",
                [("120 x 180 cm", 95000, 8), ("180 x 240 cm", 165000, 3)],
            ),
            P(
                "Tas Anyaman Pandan",
                "anyaman",
                "pcs",
                350,
                "Tas jinjing pandan dengan furing kain batik dan resleting.",
                [("Standar", 125000, 11)],
            ),
            P(
                "Keranjang Pandan Set 3",
                "anyaman",
                "set",
                700,
                "Tiga keranjang bertumpuk untuk penyimpanan, ukuran kecil, sedang, besar.",
                [("Set", 85000, 6)],
            ),
            P(
                "Topi Pandan Lebar",
                "anyaman",
                "pcs",
                150,
                "Topi pantai pandan lebar dengan pita kain.",
                [("Standar", 45000, 20)],
            ),
        ],
    ),
    DemoStore(
        "Gerabah Poci Pagerbarang",
        "kriya",
        "Kabupaten Tegal",
        "Desa Pagerbarang, Kec. Pagerbarang",
        "9120101234514",
        "0852-2733-8110",
        "Poci, cangkir, dan gerabah tanah liat yang dibakar secara tradisional. Pak Sukirno adalah perajin "
        "generasi ketiga di Desa Pagerbarang, desa gerabah yang memasok poci ke warung teh se-Tegal. Poci "
        "kami makin lama dipakai, makin wangi tehnya. Dikirim dengan peti kayu dan bubble wrap. Buka setiap "
        "hari pukul 07.00-16.00 WIB. Melayani pesanan partai untuk warung teh, kafe, dan suvenir.",
        "Sukirno",
        products=[
            P(
                "Poci Tanah Liat Besar",
                "keramik-gerabah",
                "pcs",
                900,
                "Poci tanah liat 1 liter untuk teh poci keluarga.",
                [("1 liter", 65000, 14)],
            ),
            P(
                "Set Poci dan 4 Cangkir",
                "keramik-gerabah",
                "set",
                1800,
                "Satu poci dengan empat cangkir tutup dan nampan anyam.",
                [("Set", 110000, 5)],
            ),
            P(
                "Vas Bunga Gerabah",
                "dekorasi-rumah",
                "pcs",
                1100,
                "Vas gerabah tinggi 30 cm dengan ukiran motif daun.",
                [("30 cm", 55000, 9)],
            ),
            P(
                "Celengan Gerabah Ayam Jago",
                "kerajinan-tangan",
                "pcs",
                700,
                "Celengan tanah liat bentuk ayam jago, dicat tangan.",
                [("Standar", 25000, 0)],
            ),
        ],
    ),
    DemoStore(
        "Kerajinan Kerang Pantai Alam Indah",
        "kriya",
        "Kota Tegal",
        "Kompleks Pantai Alam Indah, Mintaragen, Tegal Timur",
        "9120101234515",
        "0813-9045-2277",
        "Hiasan dan cendera mata dari kerang dan limbah laut pesisir Tegal, dirangkai tangan: lampu hias, "
        "bingkai, dan miniatur kapal nelayan. Kios Pak Tasripin ada di kompleks Pantai Alam Indah sejak "
        "1999, bersama nelayan yang mengumpulkan kerang sesudah melaut. Buka setiap hari pukul 08.00-18.00 "
        "WIB, akhir pekan sampai 21.00. Melayani pesanan partai untuk suvenir acara dan toko oleh-oleh.",
        "Tasripin",
        products=[
            P(
                "Lampu Hias Kerang",
                "dekorasi-rumah",
                "pcs",
                800,
                "Lampu meja dengan kap dari kerang simping, cahaya hangat.",
                [("Standar", 150000, 5)],
            ),
            P(
                "Bingkai Foto Kerang",
                "dekorasi-rumah",
                "pcs",
                400,
                "Bingkai foto 4R dihiasi kerang dan pasir pantai.",
                [("4R", 75000, 10)],
            ),
            P(
                "Gantungan Kunci Kerang isi 10",
                "kerajinan-tangan",
                "pak",
                150,
                "Cendera mata gantungan kunci kerang, cocok untuk suvenir acara.",
                [("Isi 10", 35000, 30)],
            ),
            P(
                "Miniatur Kapal Nelayan Tegal",
                "kerajinan-tangan",
                "pcs",
                900,
                "Miniatur kapal ikan khas pantura dari kayu, panjang 40 cm, dicat tangan.",
                [("40 cm", 185000, 2)],
            ),
        ],
    ),
]
