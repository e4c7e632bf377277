"""The logam & furnitur zone's stores: metal crafts, a lathe workshop, wooden furniture."""

from __future__ import annotations

from marketplace.demo_data.stores import DemoProduct as P
from marketplace.demo_data.stores import DemoStore

LOGAM_FURNITUR = [
    DemoStore(
        "Kerajinan Logam Talang",
        "logam-furnitur",
        "Kabupaten Tegal",
        "Desa Kebasen, Kec. Talang",
        "9120101234516",
        "0812-2877-4410",
        "Bengkel logam turun-temurun dari Talang, sentra industri logam yang membuat Tegal dijuluki "
        "'Jepangnya Indonesia'. Wajan, panci, pisau, dan perkakas tani tempa tangan. Bengkel di Desa "
        "Kebasen ini dibuka kakek Pak Khaerudin tahun 1970-an dan kini mempekerjakan delapan pandai besi. "
        "Buka Senin-Sabtu pukul 07.00-16.00 WIB. Melayani pesanan partai untuk toko bangunan, rumah makan, "
        "dan kelompok tani.",
        "Khaerudin",
        featured=True,
        products=[
            P(
                "Wajan Besi Tempa",
                "peralatan-dapur",
                "pcs",
                1800,
                "Wajan besi tempa tangan, panas merata, makin lama makin antilengket.",
                [("26 cm", 115000, 10), ("30 cm", 135000, 8), ("36 cm", 165000, 0)],
            ),
            P(
                "Panci Aluminium Set 3",
                "peralatan-dapur",
                "set",
                2200,
                "Tiga panci aluminium tebal 18, 20, dan 22 cm dengan tutup.",
                [("Set", 175000, 7)],
            ),
            P(
                "Pisau Dapur Baja",
                "perkakas-logam",
                "pcs",
                250,
                "Pisau baja karbon 20 cm dengan gagang kayu sonokeling.",
                [("20 cm", 65000, 15)],
            ),
            P(
                "Cangkul Baja Tempa",
                "perkakas-logam",
                "pcs",
                2000,
                "Cangkul baja tempa untuk sawah dan kebun, tanpa gagang.",
                [("Standar", 85000, 20)],
            ),
        ],
    ),
    DemoStore(
        "Bengkel Bubut Sinar Jaya",
        "logam-furnitur",
        "Kabupaten Tegal",
        "Jl. Raya Pesayangan No. 9, Kec. Talang",
        "9120101234517",
        "0815-4207-6633",
        "Suku cadang mesin, kapal nelayan, dan kendaraan dari bengkel bubut dan cor logam Pesayangan, "
        "Talang. Berdiri sejak 1994, bengkel kami punya lima mesin bubut dan tungku cor kuningan sendiri. "
        "Menerima pesanan sesuai gambar teknik atau contoh barang. Buka Senin-Sabtu pukul 08.00-17.00 WIB. "
        "Melayani pesanan partai untuk bengkel, galangan kapal, dan pabrik.",
        "Rohmat Hidayat",
        products=[
            P(
                "Gir Set Motor",
                "suku-cadang",
                "set",
                900,
                "Gir depan, gir belakang, dan rantai baja untuk motor bebek.",
                [("Honda Supra", 165000, 6), ("Yamaha Jupiter", 165000, 4)],
            ),
            P(
                "Baling-baling Kapal Kuningan",
                "suku-cadang",
                "pcs",
                4500,
                "Baling-baling kuningan tiga daun untuk perahu nelayan, diseimbangkan di bengkel.",
                [("12 inci", 1250000, 3), ("14 inci", 1550000, 1)],
            ),
            P(
                "Kampas Rem Tromol",
                "suku-cadang",
                "set",
                300,
                "Kampas rem tromol untuk motor bebek dan matik, bahan non-asbes.",
                [("Set", 35000, 50)],
            ),
            P(
                "Baut dan Mur Baja Set 100",
                "perkakas-logam",
                "kotak",
                1200,
                "Baut dan mur baja galvanis aneka ukuran M6 sampai M10.",
                [("100 pcs", 45000, 25)],
            ),
            P(
                "Pompa Air Tangan",
                "perkakas-logam",
                "pcs",
                9000,
                "Pompa air tangan besi cor untuk sumur dangkal, lengkap dengan ring karet.",
                [("Standar", 350000, 2)],
            ),
        ],
    ),
    DemoStore(
        "Mebel Kayu Dukuhwaru",
        "logam-furnitur",
        "Kabupaten Tegal",
        "Desa Dukuhwaru, Kec. Dukuhwaru",
        "9120101234518",
        "0812-2590-7744",
        "Mebel kayu jati dan mahoni buatan tangan: kursi teras, meja lesehan, dan rak dinding. Finishing "
        "natural, tahan lama. Pak Slamet belajar menukang di Jepara lalu pulang membuka bengkel di Desa "
        "Dukuhwaru tahun 2005; kayu kami dari hutan rakyat bersertifikat. Buka Senin-Sabtu pukul "
        "08.00-16.00 WIB. Melayani pesanan partai untuk kafe, sekolah, dan kantor, juga ukuran khusus.",
        "Slamet Widodo",
        products=[
            P(
                "Kursi Teras Kayu Jati",
                "furnitur",
                "pcs",
                12000,
                "Kursi teras jati dengan sandaran miring, finishing melamin natural.",
                [("Standar", 850000, 3)],
            ),
            P(
                "Meja Lipat Lesehan",
                "furnitur",
                "pcs",
                5000,
                "Meja lesehan mahoni 60 x 40 cm, kaki bisa dilipat.",
                [("60 x 40 cm", 275000, 6)],
            ),
            P(
                "Rak Dinding Minimalis",
                "furnitur",
                "pcs",
                3000,
                "Rak dinding tiga susun dari kayu pinus, mudah dipasang.",
                [("Standar", 185000, 0)],
            ),
            P(
                "Bangku Kayu Kecil",
                "furnitur",
                "pcs",
                2500,
                "Dingklik kayu jati untuk dapur dan teras.",
                [("Standar", 120000, 12)],
            ),
        ],
    ),
]
