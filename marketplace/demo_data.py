"""The demo's data tables: accounts, the expo, and believable IKMs of Tegal.

Plain data read by ``marketplace.demo``, which builds it through the services.
Category slugs are those of migration 0002; sector slugs those of ESMART.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_PASSWORD = "demo12345"

# email, name, role, phone, insurer (CONTRACT.md "Demo accounts")
ACCOUNTS = [
    ("shopper@demo.test", "Rina Kurniasih", "shopper", "0812-2634-1187", None),
    ("seller@demo.test", "Siti Aminah", "seller", "0812-2345-6789", None),
    ("agency@demo.test", "Bambang Sutrisno", "agency", "0813-2740-5512", None),
    ("insurer@demo.test", "Dewi Lestari", "insurer", "0811-2870-3344", "jasindo"),
    ("insurer2@demo.test", "Agus Prasetyo", "insurer", "0811-2870-5566", "askrindo"),
    ("admin@demo.test", "Admin Apik Market", "admin", "0856-4100-2211", None),
]

EXPO = {
    "slug": "apik-banget-virtual-expo",
    "name": "Apik Banget Virtual Expo",
    "description": (
        "Pameran virtual industri kecil menengah (IKM) Kota Tegal yang digelar Dinas Tenaga Kerja "
        "dan Perindustrian. Jelajahi lima zona — kuliner, minuman & herbal, fesyen, kriya, serta "
        "logam & furnitur — belanja langsung dari perajin, dan dukung produk asli Tegal. "
        "Toko tetap buka setelah expo berakhir."
    ),
    "days_before": 3,  # started three days ago ...
    "days_after": 11,  # ... and ends in eleven, 08:00 and 21:00 WIB
}

# the expo's five zones (the halls of the real 2020 expo: kuliner 16 exhibitors, fesyen 11,
# kriya 9, minuman & herbal 7, logam & furnitur 7), in the hall's order: (slug, name); a zone's
# slug is the sector slug of its exhibitors
ZONES = [
    ("kuliner", "Kuliner"),
    ("fesyen", "Fesyen & Tekstil"),
    ("kriya", "Kriya"),
    ("minuman-herbal", "Minuman & Herbal"),
    ("logam-furnitur", "Logam & Furnitur"),
]

# owners new to selling online who let Disnakerin's officers help them (Store.allow_agency_assist)
ASSISTED_STORES = ("Kue Khas Bu Ningsih", "Kerajinan Logam Talang")

# shoppers of the expo's first days (with shopper@demo.test): their cash-on-delivery orders give the
# agency's report and the sellers' charts something to show; made only when that plugin is on
DEMO_SHOPPERS = [
    ("pembeli1@demo.test", "Dimas Prasetyo", "0812-2700-1101"),
    ("pembeli2@demo.test", "Nur Hidayah", "0813-2900-2202"),
    ("pembeli3@demo.test", "Agus Salim", "0857-4200-3303"),
    ("pembeli4@demo.test", "Lestari Wulandari", "0812-2811-4404"),
    ("pembeli5@demo.test", "Yoga Pratama", "0878-1300-5505"),
]
DEMO_ADDRESS = {"address": "Jl. Pancasila No. 7, Mintaragen, Tegal Timur", "city": "Kota Tegal", "postal_code": "52121"}

# booth prefix per expo zone (a zone is a sector)
BOOTH_PREFIX = {"kuliner": "K", "minuman-herbal": "M", "fesyen": "F", "kriya": "KR", "logam-furnitur": "L"}


@dataclass
class DemoProduct:
    name: str
    category: str
    unit: str
    weight_grams: int
    description: str
    variants: list[tuple[str, int, int]]  # (name, price in rupiah, stock)


@dataclass
class DemoStore:
    name: str
    sector: str
    city: str
    address: str
    nib: str
    whatsapp: str
    description: str
    owner_name: str
    owner_email: str | None = None  # default: pemilik.<slug>@demo.test
    status: str = "approved"
    featured: bool = False
    products: list[DemoProduct] = field(default_factory=list)


P = DemoProduct

STORES = [
    # --- kuliner -------------------------------------------------------------
    DemoStore(
        "Tahu Aci Murni",
        "kuliner",
        "Kota Tegal",
        "Jl. Kapten Sudibyo No. 45, Kraton, Tegal Barat",
        "9120101234501",
        "0812-2901-4455",
        "Tahu aci khas Tegal sejak 1998: tahu kuning dari kedelai lokal diisi adonan aci lalu digoreng "
        "renyah. Tersedia matang untuk oleh-oleh dan beku untuk dikirim ke luar kota.",
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
        "dengan kecap, bawang merah, dan cabai rawit. Kini tersedia beku vakum untuk dikirim ke luar kota.",
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
        "mie. Kami kemas beku agar bisa dinikmati di mana saja.",
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
        "Olahan ikan segar dari Pelabuhan Tegalsari, diolah kelompok istri nelayan: ikan asin, abon, "
        "kerupuk, dan makanan beku tanpa pengawet.",
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
        "Kue tradisional Tegal buatan rumahan: kamir, olos, semprong, dan bolu. Dibuat setiap pagi tanpa pengawet.",
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
        ],
    ),
    # --- minuman-herbal ------------------------------------------------------
    DemoStore(
        "Teh Poci Mbok Darmi",
        "minuman-herbal",
        "Kota Tegal",
        "Jl. Ahmad Yani No. 112, Tegal Timur",
        "9120101234506",
        "0812-2811-5566",
        "Teh poci wasgitel — wangi, sepet, legi, kentel — racikan teh melati dan gula batu, diseduh "
        "dalam poci tanah liat seperti di warung-warung Tegal.",
        "Sudarmi",
        featured=True,
        products=[
            P(
                "Teh Poci Gula Batu",
                "teh",
                "paket",
                350,
                "Paket teh poci: teh melati tubruk 100 g dan gula batu 200 g. Seduh di poci, jangan diaduk.",
                [("Paket", 25000, 60)],
            ),
            P(
                "Teh Tubruk Wangi Melati",
                "teh",
                "bungkus",
                100,
                "Teh hitam dengan bunga melati asli, diseduh kental untuk teh poci.",
                [("100 g", 15000, 80), ("250 g", 32000, 25)],
            ),
            P(
                "Teh Hijau Slawi",
                "teh",
                "bungkus",
                100,
                "Teh hijau dari kebun sekitar Slawi, segar dan sedikit sepet.",
                [("100 g", 22000, 18)],
            ),
            P(
                "Set Poci Tanah Liat dan 2 Cangkir",
                "keramik-gerabah",
                "set",
                1200,
                "Poci kecil dengan dua cangkir tutup, pas untuk berdua. Lapisi dulu dengan teh sebelum dipakai.",
                [("Set", 85000, 4)],
            ),
            P(
                "Gula Batu Kristal",
                "minuman-olahan",
                "bungkus",
                500,
                "Gula batu bening untuk teh poci, manisnya lembut dan pelan larut.",
                [("500 g", 18000, 45)],
            ),
        ],
    ),
    DemoStore(
        "Kopi Bumijawa Gunung Slamet",
        "minuman-herbal",
        "Kabupaten Tegal",
        "Desa Sigedong, Kec. Bumijawa",
        "9120101234507",
        "0821-3344-7788",
        "Kopi robusta dan arabika dari lereng Gunung Slamet, dipetik merah dan disangrai sendiri oleh "
        "kelompok tani Bumijawa.",
        "Darto Wibowo",
        products=[
            P(
                "Kopi Robusta Bumijawa",
                "kopi",
                "bungkus",
                200,
                "Robusta sangrai medium-dark, cokelat dan kacang, cocok untuk kopi tubruk.",
                [("Bubuk 200 g", 45000, 30), ("Biji 200 g", 45000, 12)],
            ),
            P(
                "Kopi Arabika Gunung Slamet",
                "kopi",
                "bungkus",
                250,
                "Arabika proses honey dari ketinggian 1.400 mdpl, manis dengan sentuhan buah.",
                [("Biji 250 g", 85000, 10)],
            ),
            P(
                "Kopi Jahe Sachet isi 10",
                "kopi",
                "kotak",
                250,
                "Kopi robusta dengan jahe merah dan gula aren, hangat untuk pagi hari.",
                [("Isi 10", 25000, 40)],
            ),
            P(
                "Drip Bag Kopi Arabika isi 10",
                "kopi",
                "kotak",
                150,
                "Kopi arabika giling dalam kantong tetes, tinggal seduh air panas.",
                [("Isi 10", 50000, 0)],
            ),
        ],
    ),
    DemoStore(
        "Jamu Sehat Mbok Karsih",
        "minuman-herbal",
        "Kabupaten Tegal",
        "Jl. Raya Dukuhturi No. 5, Kec. Dukuhturi",
        "9120101234508",
        "0819-0422-3131",
        "Jamu gendong warisan keluarga, kini dalam botol dan serbuk instan: kunyit asam, beras kencur, "
        "jahe merah, dan temulawak.",
        "Karsih",
        products=[
            P(
                "Jamu Kunyit Asam",
                "jamu-herbal",
                "botol",
                550,
                "Kunyit asam segar tanpa pengawet, simpan di kulkas, tahan 5 hari.",
                [("500 ml", 15000, 3)],
            ),
            P(
                "Jamu Beras Kencur",
                "jamu-herbal",
                "botol",
                550,
                "Beras kencur segar, manis hangat, untuk pegal dan nafsu makan.",
                [("500 ml", 15000, 2)],
            ),
            P(
                "Wedang Uwuh Celup isi 10",
                "jamu-herbal",
                "kotak",
                120,
                "Rempah kayu secang, jahe, cengkih, dan kayu manis dalam kantong celup.",
                [("Isi 10", 30000, 25)],
            ),
            P(
                "Jahe Merah Instan",
                "jamu-herbal",
                "toples",
                260,
                "Serbuk jahe merah dengan gula aren, larutkan dengan air panas.",
                [("250 g", 35000, 20)],
            ),
            P(
                "Temulawak Instan",
                "jamu-herbal",
                "toples",
                260,
                "Serbuk temulawak untuk menjaga stamina, rasa pahit manis.",
                [("250 g", 32000, 15)],
            ),
        ],
    ),
    DemoStore(
        "Sari Tebu Pangka",
        "minuman-herbal",
        "Kabupaten Tegal",
        "Desa Pangkah, Kec. Pangkah",
        "9120101234509",
        "0823-2655-9140",
        "Minuman dan gula olahan dari tebu rakyat sekitar Pabrik Gula Pangka: sari tebu, sirup tebu, "
        "dan gula merah tebu.",
        "Wartono",
        products=[
            P(
                "Sari Tebu Botol",
                "minuman-olahan",
                "botol",
                380,
                "Sari tebu murni dengan sedikit jeruk nipis, dipasteurisasi.",
                [("350 ml", 10000, 48), ("Isi 6", 55000, 10)],
            ),
            P(
                "Sirup Gula Tebu",
                "minuman-olahan",
                "botol",
                700,
                "Sirup tebu kental untuk es teh, kopi, atau kue.",
                [("600 ml", 28000, 20)],
            ),
            P(
                "Gula Merah Tebu",
                "minuman-olahan",
                "bungkus",
                500,
                "Gula merah dari nira tebu, cetak batok.",
                [("500 g", 16000, 35)],
            ),
        ],
    ),
    # --- fesyen --------------------------------------------------------------
    DemoStore(
        "Batik Tegalan Sari",
        "fesyen",
        "Kota Tegal",
        "Jl. Kartini No. 12, Mangkukusuman, Tegal Timur",
        "9120001234567",
        "0812-2345-6789",
        "Batik tulis dan cap motif Tegalan dengan warna sogan dan pesisiran yang berani. Dikerjakan "
        "pembatik Sentra Batik Kalinyamat, Kota Tegal.",
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
        "oleh perajin setempat.",
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
        "Kaos dan merchandise berbahasa Tegal yang bikin bangga: 'Ora Ngapak Ora Kepenak', teh poci, "
        "dan ikon kota. Sablon plastisol di atas katun combed 30s.",
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
    # --- kriya ---------------------------------------------------------------
    DemoStore(
        "Anyaman Pandan Kaligangsa",
        "kriya",
        "Kota Tegal",
        "Kel. Kaligangsa, Kec. Margadana",
        "9120101234513",
        "0812-2655-0312",
        "Anyaman pandan duri dari perajin ibu-ibu Kaligangsa: tikar, tas, keranjang, dan topi yang kuat "
        "dan wangi pandan.",
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
        "Poci, cangkir, dan gerabah tanah liat yang dibakar secara tradisional. Poci kami makin lama "
        "dipakai, makin wangi tehnya.",
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
        "Hiasan dan cendera mata dari kerang dan limbah laut pesisir Tegal, dirangkai tangan: lampu "
        "hias, bingkai, dan miniatur kapal nelayan.",
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
    # --- logam-furnitur ------------------------------------------------------
    DemoStore(
        "Kerajinan Logam Talang",
        "logam-furnitur",
        "Kabupaten Tegal",
        "Desa Kebasen, Kec. Talang",
        "9120101234516",
        "0812-2877-4410",
        "Bengkel logam turun-temurun dari Talang, sentra industri logam yang membuat Tegal dijuluki "
        "'Jepangnya Indonesia'. Wajan, panci, pisau, dan perkakas tani tempa tangan.",
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
        "Suku cadang mesin, kapal nelayan, dan kendaraan dari bengkel bubut dan cor logam Pesayangan. "
        "Menerima pesanan sesuai gambar teknik.",
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
        "Mebel kayu jati dan mahoni buatan tangan: kursi teras, meja lesehan, dan rak dinding. "
        "Finishing natural, tahan lama.",
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
    # --- waiting for the agency's verification -------------------------------
    DemoStore(
        "Sabun Herbal Kembang Tegal",
        "kosmetik",
        "Kota Tegal",
        "Jl. Sipelem No. 14, Kemandungan, Tegal Barat",
        "9120101234519",
        "0857-2633-4019",
        "Sabun padat dan lulur dari minyak kelapa dan rempah, dibuat dengan proses dingin tanpa pewangi sintetis.",
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
