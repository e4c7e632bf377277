"""The fesyen & tekstil zone's stores: batik tegalan, woven sarongs, T-shirts."""

from __future__ import annotations

from marketplace.demo_data.stores import DemoProduct as P
from marketplace.demo_data.stores import DemoStore

FESYEN = [
    DemoStore(
        "Batik Tegalan Sari",
        "fesyen",
        "Kota Tegal",
        "Jl. Kartini No. 12, Mangkukusuman, Tegal Timur",
        "9120001234567",
        "0812-2345-6789",
        "Batik tulis dan cap motif Tegalan dengan warna sogan dan pesisiran yang berani. Dikerjakan "
        "pembatik Sentra Batik Kalinyamat, Kota Tegal; galeri kami di Jl. Kartini, Mangkukusuman, buka "
        "sejak 2009. Satu lembar batik tulis dikerjakan dua sampai tiga minggu. Galeri buka Senin-Sabtu "
        "pukul 09.00-17.00 WIB. Melayani pesanan partai seragam kantor, sekolah, dan keluarga untuk "
        "hajatan.",
        "Siti Aminah",
        owner_email="seller@demo.test",
        featured=True,
        products=[
            P(
                "Batik Tulis Motif Tegalan",
                "batik",
                "lembar",
                300,
                "Kain batik tulis 2 x 1,15 m, motif flora pesisir Tegalan dengan pewarna alam. "
                "Setiap lembar dikerjakan 3-4 minggu.",
                [("Kain 2 m", 350000, 6)],
            ),
            P(
                "Batik Cap Motif Sawat",
                "batik",
                "lembar",
                280,
                "Batik cap katun primisima, motif sawat khas Tegal, cocok untuk kemeja dan seragam.",
                [("Kain 2 m", 150000, 25)],
            ),
            P(
                "Kemeja Batik Pria Lengan Panjang",
                "pakaian",
                "pcs",
                350,
                "Kemeja batik cap motif Tegalan, katun adem, dengan furing.",
                [("M", 225000, 8), ("L", 225000, 5), ("XL", 235000, 0)],
            ),
            P(
                "Blus Batik Wanita",
                "pakaian",
                "pcs",
                250,
                "Blus batik potongan modern, kancing depan, lengan tiga perempat.",
                [("M", 185000, 7), ("L", 185000, 3)],
            ),
            P(
                "Selendang Batik Tegalan",
                "batik",
                "lembar",
                150,
                "Selendang batik tulis sutra ATBM, 2 x 0,5 m.",
                [("Standar", 95000, 12)],
            ),
            P(
                "Masker Kain Batik isi 3",
                "tas-aksesoris",
                "pak",
                60,
                "Masker kain batik tiga lapis, bisa dicuci, dengan tali telinga yang bisa diatur.",
                [("Isi 3", 30000, 40)],
            ),
        ],
    ),
    DemoStore(
        "Sarung Tenun Ujungrusi",
        "fesyen",
        "Kabupaten Tegal",
        "Desa Ujungrusi, Kec. Adiwerna",
        "9120101234511",
        "0812-2970-6655",
        "Sarung dan kain tenun ATBM (alat tenun bukan mesin) dari Ujungrusi, ditenun benang demi benang "
        "oleh perajin setempat. Ujungrusi di Adiwerna sudah dikenal sebagai kampung tenun sejak zaman "
        "Belanda; bengkel kami punya 12 alat tenun dan dikelola Pak Mukhlis sejak 1996. Satu sarung goyor "
        "selesai sekitar tiga hari. Buka Senin-Sabtu pukul 08.00-16.00 WIB. Melayani pesanan partai untuk "
        "seragam, hantaran, dan toko busana muslim.",
        "Mukhlis Abdullah",
        products=[
            P(
                "Sarung Tenun ATBM Motif Kotak",
                "tenun-tekstil",
                "pcs",
                600,
                "Sarung tenun katun, motif kotak klasik, jahitan rapi dan tidak luntur.",
                [("Standar", 275000, 10)],
            ),
            P(
                "Sarung Goyor Premium",
                "tenun-tekstil",
                "pcs",
                550,
                "Sarung goyor rayon yang jatuh lembut dan adem, untuk ibadah dan acara keluarga.",
                [("Standar", 320000, 4)],
            ),
            P(
                "Kain Tenun Lurik",
                "tenun-tekstil",
                "lembar",
                400,
                "Kain lurik tenun tangan lebar 1 m, untuk kemeja, tas, atau taplak.",
                [("2 m", 180000, 9)],
            ),
            P(
                "Syal Tenun Tangan",
                "tas-aksesoris",
                "pcs",
                120,
                "Syal tenun katun berumbai, warna alam.",
                [("Standar", 75000, 15)],
            ),
        ],
    ),
    DemoStore(
        "Kaos Tegal Laka-Laka",
        "fesyen",
        "Kota Tegal",
        "Jl. Gajah Mada No. 60, Tegal Barat",
        "9120101234512",
        "0895-3712-4408",
        "Kaos dan merchandise berbahasa Tegal yang bikin bangga: 'Ora Ngapak Ora Kepenak', teh poci, dan "
        "ikon kota. Sablon plastisol di atas katun combed 30s. Berawal dari lapak kaos di car free day Jl. "
        "Gajah Mada tahun 2016, sekarang punya workshop sablon sendiri di Tegal Barat. Buka setiap hari "
        "pukul 10.00-21.00 WIB. Melayani pesanan partai kaos komunitas, reuni, dan acara kantor dengan "
        "desain sendiri.",
        "Yoga Pratama",
        products=[
            P(
                "Kaos Ora Ngapak Ora Kepenak",
                "pakaian",
                "pcs",
                200,
                "Kaos katun combed 30s dengan sablon tulisan ngapak kebanggaan Tegal.",
                [("S", 85000, 10), ("M", 85000, 20), ("L", 85000, 2)],
            ),
            P(
                "Kaos Teh Poci Wasgitel",
                "pakaian",
                "pcs",
                200,
                "Kaos bergambar poci dan cangkir, 'wangi, sepet, legi, kentel'.",
                [("M", 85000, 12), ("L", 85000, 9), ("XL", 90000, 0)],
            ),
            P(
                "Topi Bordir Tegal Laka-Laka",
                "tas-aksesoris",
                "pcs",
                120,
                "Topi baseball dengan bordir 'Tegal Laka-Laka', strap belakang.",
                [("Standar", 55000, 18)],
            ),
            P(
                "Tote Bag Kanvas Tegalan",
                "tas-aksesoris",
                "pcs",
                180,
                "Tas kanvas tebal bergambar Balai Kota Tegal, muat laptop 14 inci.",
                [("Standar", 45000, 30)],
            ),
        ],
    ),
]
