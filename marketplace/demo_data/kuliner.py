"""The kuliner zone's stores: tahu aci, sate kambing, kupat glabed, fish snacks, cakes."""

from __future__ import annotations

from marketplace.demo_data.stores import DemoProduct as P
from marketplace.demo_data.stores import DemoStore

KULINER = [
    DemoStore(
        "Tahu Aci Murni",
        "kuliner",
        "Kota Tegal",
        "Jl. Kapten Sudibyo No. 45, Kraton, Tegal Barat",
        "9120101234501",
        "0812-2901-4455",
        "Tahu aci khas Tegal sejak 1998: tahu kuning dari kedelai lokal diisi adonan aci lalu digoreng "
        "renyah. Usaha ini dimulai Bu Murni dari gerobak di depan Pasar Kraton, kini dapur produksinya di "
        "Jl. Kapten Sudibyo, Tegal Barat. Tersedia matang untuk oleh-oleh dan beku untuk dikirim ke luar "
        "kota. Buka setiap hari pukul 07.00-20.00 WIB. Melayani pesanan partai untuk hajatan, arisan, dan "
        "reseller.",
        "Murniati",
        products=[
            P(
                "Tahu Aci Frozen",
                "frozen-food",
                "pak",
                600,
                "Tahu aci mentah beku, tinggal goreng 5 menit. Tahan 3 bulan di freezer.",
                [("Isi 20", 38000, 40), ("Isi 40", 72000, 15)],
            ),
            P(
                "Tahu Aci Goreng Siap Santap isi 10",
                "makanan-ringan",
                "pak",
                350,
                "Tahu aci matang, renyah di luar dan kenyal di dalam, dengan cabai rawit hijau.",
                [("Isi 10", 20000, 25)],
            ),
            P(
                "Sambal Petis Tahu Aci",
                "sambal-bumbu",
                "botol",
                180,
                "Sambal petis udang pendamping tahu aci, pedas manis khas Tegal.",
                [("150 g", 15000, 30)],
            ),
            P(
                "Kerupuk Tahu Aci Mentah",
                "makanan-ringan",
                "bungkus",
                250,
                "Kerupuk tahu kering siap goreng, mengembang besar dan gurih.",
                [("250 g", 18000, 0)],
            ),
        ],
    ),
    DemoStore(
        "Sate Kambing Batibul",
        "kuliner",
        "Kabupaten Tegal",
        "Jl. Raya Banjaran-Slawi No. 17, Adiwerna",
        "9120101234502",
        "0813-2955-1020",
        "Sate kambing muda di bawah tiga bulan (batibul) yang empuk, dibakar di atas arang dan disajikan "
        "dengan kecap, bawang merah, dan cabai rawit. Warung H. Slamet di pinggir Jalan Raya "
        "Banjaran-Slawi, Adiwerna, sudah buka sejak 1985 dan kini dikelola generasi kedua. Tersedia beku "
        "vakum untuk dikirim ke luar kota. Warung buka pukul 09.00-21.00 WIB, Jumat mulai 13.00. Melayani "
        "pesanan partai untuk aqiqah, kantor, dan hajatan.",
        "H. Slamet Riyadi",
        featured=True,
        products=[
            P(
                "Sate Kambing Batibul Beku",
                "frozen-food",
                "pak",
                700,
                "Sate kambing muda berbumbu, dikemas vakum dan dibekukan. Panaskan di teflon atau bakar "
                "sebentar. Sudah termasuk kecap dan acar.",
                [("10 tusuk", 85000, 20), ("20 tusuk", 160000, 8)],
            ),
            P(
                "Nasi Kotak Ayam Bakar",
                "makanan-ringan",  # no category of meals: the nearest kuliner one
                "kotak",
                450,
                "Nasi putih, ayam bakar bumbu kecap, tempe goreng, lalapan, sambal, kerupuk, dan air "
                "mineral dalam kotak. Untuk rapat, aqiqah, dan acara kantor; pesan H-1.",
                [("1 kotak", 25000, 500)],
                kind="box",
            ),
            P(
                "Gulai Kambing Beku 500 g",
                "frozen-food",
                "pak",
                550,
                "Gulai kambing kuah santan rempah, cukup untuk 2-3 porsi.",
                [("500 g", 65000, 12)],
            ),
            P(
                "Tongseng Kambing Beku 500 g",
                "frozen-food",
                "pak",
                550,
                "Tongseng kambing dengan kol dan tomat, manis pedas khas Tegal.",
                [("500 g", 60000, 2)],
            ),
            P(
                "Bumbu Kecap Sate Tegal",
                "sambal-bumbu",
                "botol",
                300,
                "Kecap manis racikan warung dengan bawang merah goreng, untuk sate dan gulai.",
                [("250 ml", 22000, 35)],
            ),
        ],
    ),
    DemoStore(
        "Kupat Glabed Mbak Tarni",
        "kuliner",
        "Kota Tegal",
        "Jl. Kolonel Sugiono No. 8, Tegal Timur",
        "9120101234503",
        "0857-4201-3388",
        "Kupat glabed, ketupat berkuah kuning kental khas Tegal, lengkap dengan sate kerang dan kerupuk "
        "mie. Mbak Tarni berjualan sejak 2004 di Jl. Kolonel Sugiono, Tegal Timur, dengan resep kuah dari "
        "ibunya. Kami kemas beku agar bisa dinikmati di mana saja, tinggal dipanaskan. Buka pukul "
        "06.00-13.00 WIB, Minggu libur. Melayani pesanan partai untuk acara kantor dan pengajian.",
        "Sutarni",
        products=[
            P(
                "Paket Kupat Glabed Beku (2 porsi)",
                "frozen-food",
                "paket",
                900,
                "Kuah glabed beku, ketupat, sate kerang, dan kerupuk mie. Cukup dipanaskan.",
                [("2 porsi", 45000, 18), ("4 porsi", 85000, 6)],
            ),
            P(
                "Bumbu Kuah Glabed Instan",
                "sambal-bumbu",
                "bungkus",
                200,
                "Bumbu kuning kental siap masak untuk kupat glabed, opor, atau lontong sayur.",
                [("200 g", 25000, 40)],
            ),
            P(
                "Sate Kerang Bumbu Kecap isi 10",
                "olahan-ikan",
                "pak",
                300,
                "Sate kerang darah bumbu kecap manis, teman kupat glabed.",
                [("Isi 10", 30000, 3)],
            ),
            P(
                "Kerupuk Mie Tegal",
                "makanan-ringan",
                "bungkus",
                500,
                "Kerupuk mie kuning mentah, renyah setelah digoreng.",
                [("500 g", 20000, 50)],
            ),
        ],
    ),
    DemoStore(
        "Olahan Ikan Tegalsari",
        "kuliner",
        "Kota Tegal",
        "Jl. Hang Tuah No. 21, Tegalsari, Tegal Barat (dekat Pelabuhan Tegalsari)",
        "9120101234504",
        "0812-2788-9012",
        "Olahan ikan segar dari Pelabuhan Tegalsari, diolah kelompok istri nelayan sejak 2012: ikan asin, "
        "abon, kerupuk, dan makanan beku tanpa pengawet. Ikan kami ambil langsung dari TPI Tegalsari setiap "
        "pagi, lalu dijemur dan diolah di rumah produksi dekat pelabuhan. Sudah bersertifikat PIRT dan "
        "halal. Buka Senin-Sabtu pukul 08.00-16.00 WIB. Melayani pesanan partai untuk toko oleh-oleh dan "
        "reseller.",
        "Dasuki",
        featured=True,
        products=[
            P(
                "Ikan Asin Jambal Roti",
                "olahan-ikan",
                "bungkus",
                250,
                "Jambal roti dari ikan manyung pilihan, asin pas dan lembut seperti roti.",
                [("250 g", 55000, 14), ("500 g", 105000, 5)],
            ),
            P(
                "Kerupuk Ikan Tengiri",
                "olahan-ikan",
                "bungkus",
                500,
                "Kerupuk ikan tengiri asli, rasa ikannya kuat. Mentah, siap goreng.",
                [("500 g", 35000, 45)],
            ),
            P(
                "Abon Ikan Tuna",
                "olahan-ikan",
                "toples",
                220,
                "Abon tuna tanpa pengawet, gurih dan sedikit manis.",
                [("Original 200 g", 40000, 20), ("Pedas 200 g", 42000, 0)],
            ),
            P(
                "Bakso Ikan Beku",
                "frozen-food",
                "pak",
                520,
                "Bakso ikan tenggiri kenyal, isi sekitar 30 butir.",
                [("500 g", 32000, 22)],
            ),
            P(
                "Otak-otak Bandeng Beku isi 5",
                "frozen-food",
                "pak",
                600,
                "Bandeng tanpa duri dengan isian daging berbumbu, dibungkus daun pisang.",
                [("Isi 5", 50000, 1)],
            ),
        ],
    ),
    DemoStore(
        "Kue Khas Bu Ningsih",
        "kuliner",
        "Kota Tegal",
        "Jl. Serayu No. 30, Mintaragen, Tegal Timur",
        "9120101234505",
        "0858-7011-2290",
        "Kue tradisional Tegal buatan rumahan: kamir, olos, semprong, dan bolu. Bu Ningsih mulai membuat "
        "kue untuk tetangga di Mintaragen tahun 2001; kini dibantu empat ibu-ibu sekitar. Dibuat setiap "
        "pagi tanpa pengawet, jadi pesan H-1 untuk jumlah banyak. Buka pukul 06.00-17.00 WIB, Jumat tutup. "
        "Melayani pesanan partai untuk snack box rapat, hajatan, dan pengajian.",
        "Ningsih Rahayu",
        products=[
            P(
                "Kamir Tegal isi 10",
                "kue-roti",
                "kotak",
                450,
                "Kamir lembut dengan aroma tape dan mentega, oleh-oleh klasik Tegal.",
                [("Original", 25000, 16), ("Keju", 30000, 9)],
            ),
            P(
                "Bolu Gulung Pandan",
                "kue-roti",
                "kotak",
                500,
                "Bolu gulung pandan dengan selai srikaya, lembut dan wangi.",
                [("1 gulung", 45000, 7)],
            ),
            P(
                "Kue Semprong Renyah",
                "makanan-ringan",
                "toples",
                260,
                "Semprong tipis dan renyah dari tepung beras dan santan.",
                [("250 g", 28000, 30)],
            ),
            P(
                "Olos Frozen isi 20",
                "frozen-food",
                "pak",
                500,
                "Olos, gorengan khas Tegal berisi kol dan cabai yang pedas. Goreng dari beku.",
                [("Isi 20", 30000, 24)],
            ),
            P(
                "Snack Box Rapat",
                "kue-roti",
                "kotak",
                300,
                "Tiga kue basah dan satu gorengan khas Tegal (kamir, bolu, olos) dengan air mineral, "
                "dalam kotak untuk rapat dan pengajian. Pesan H-1 untuk jumlah banyak.",
                [("1 kotak", 12500, 300)],
                kind="box",
            ),
        ],
    ),
]
