"""Word lists for the benchmark catalogue: Indonesian store and product names
of the kind the IKMs of Kota Tegal sell, so that search sees realistic text.

Common words (batik, teh, kopi, sambal) appear in thousands of products at
full size; RARE_WORD appears in exactly RARE_COUNT products whatever the size.
"""
from __future__ import annotations

SECTOR_WEIGHTS = {
    # how many stores of each sector, relative (food and drink, batik and crafts dominate)
    "kuliner": 5, "minuman-herbal": 3, "fesyen": 4, "kriya": 3,
    "logam-furnitur": 3, "kosmetik": 1, "perhiasan": 1,
}

# sector -> [(product base name, category slug of migration 0002, price range in rupiah)]
PRODUCTS = {
    "kuliner": [
        ("Sambal Bawang", "sambal-bumbu", (15000, 45000)),
        ("Sambal Terasi", "sambal-bumbu", (15000, 45000)),
        ("Sambal Roa", "sambal-bumbu", (25000, 60000)),
        ("Sambal Teri Pete", "sambal-bumbu", (20000, 55000)),
        ("Bumbu Rendang", "sambal-bumbu", (12000, 30000)),
        ("Telur Asin", "makanan-ringan", (3000, 60000)),
        ("Kerupuk Udang", "makanan-ringan", (10000, 40000)),
        ("Keripik Tempe", "makanan-ringan", (8000, 30000)),
        ("Tahu Aci", "frozen-food", (15000, 35000)),
        ("Pilus Tegal", "makanan-ringan", (8000, 25000)),
        ("Kacang Bawang", "makanan-ringan", (10000, 30000)),
        ("Bandeng Presto", "olahan-ikan", (25000, 80000)),
        ("Abon Ikan Tongkol", "olahan-ikan", (25000, 70000)),
        ("Ikan Asin Jambal", "olahan-ikan", (30000, 90000)),
        ("Roti Gambang", "kue-roti", (5000, 25000)),
        ("Bolu Pandan", "kue-roti", (25000, 75000)),
        ("Nastar Nanas", "kue-roti", (45000, 120000)),
        ("Dodol Durian", "kue-roti", (15000, 40000)),
    ],
    "minuman-herbal": [
        ("Teh Poci", "teh", (10000, 45000)),
        ("Teh Melati", "teh", (8000, 35000)),
        ("Teh Tubruk", "teh", (8000, 30000)),
        ("Teh Hijau", "teh", (15000, 50000)),
        ("Kopi Robusta", "kopi", (25000, 90000)),
        ("Kopi Arabika", "kopi", (40000, 150000)),
        ("Kopi Tubruk", "kopi", (20000, 60000)),
        ("Kopi Jahe", "kopi", (15000, 40000)),
        ("Jamu Kunyit Asam", "jamu-herbal", (10000, 35000)),
        ("Jamu Beras Kencur", "jamu-herbal", (10000, 35000)),
        ("Wedang Jahe Merah", "jamu-herbal", (12000, 40000)),
        ("Sirup Jeruk Nipis", "minuman-olahan", (15000, 45000)),
        ("Sari Kacang Hijau", "minuman-olahan", (8000, 25000)),
    ],
    "fesyen": [
        ("Batik Tulis", "batik", (250000, 1500000)),
        ("Batik Cap", "batik", (90000, 350000)),
        ("Kain Batik", "batik", (100000, 600000)),
        ("Kemeja Batik", "batik", (120000, 400000)),
        ("Daster Batik", "batik", (60000, 150000)),
        ("Sarimbit Batik", "batik", (250000, 700000)),
        ("Tenun Ikat", "tenun-tekstil", (200000, 900000)),
        ("Sarung Tenun", "tenun-tekstil", (90000, 350000)),
        ("Kaos Sablon", "pakaian", (50000, 120000)),
        ("Gamis Katun", "pakaian", (120000, 300000)),
        ("Tas Rajut", "tas-aksesoris", (60000, 250000)),
        ("Dompet Kulit", "tas-aksesoris", (50000, 200000)),
    ],
    "kriya": [
        ("Anyaman Bambu", "anyaman", (25000, 150000)),
        ("Keranjang Pandan", "anyaman", (30000, 120000)),
        ("Tikar Mendong", "anyaman", (60000, 250000)),
        ("Gerabah Hias", "keramik-gerabah", (35000, 300000)),
        ("Guci Keramik", "keramik-gerabah", (75000, 600000)),
        ("Miniatur Kapal Kayu", "kerajinan-tangan", (50000, 400000)),
        ("Hiasan Dinding Ukir", "dekorasi-rumah", (80000, 500000)),
        ("Lampu Hias Rotan", "dekorasi-rumah", (90000, 350000)),
        ("Wayang Kulit", "kerajinan-tangan", (150000, 1200000)),
    ],
    "logam-furnitur": [
        ("Wajan Besi", "peralatan-dapur", (50000, 200000)),
        ("Panci Aluminium", "peralatan-dapur", (60000, 250000)),
        ("Pisau Dapur Baja", "peralatan-dapur", (35000, 150000)),
        ("Cangkul Baja", "perkakas-logam", (60000, 180000)),
        ("Kunci Ring Pas", "perkakas-logam", (25000, 120000)),
        ("Baut Mur Galvanis", "perkakas-logam", (5000, 50000)),
        ("Suku Cadang Motor", "suku-cadang", (15000, 300000)),
        ("Knalpot Racing", "suku-cadang", (250000, 900000)),
        ("Kursi Jati", "furnitur", (350000, 2500000)),
        ("Meja Lipat", "furnitur", (150000, 800000)),
        ("Rak Besi Siku", "furnitur", (120000, 600000)),
    ],
    "kosmetik": [
        ("Sabun Sereh", "perawatan-tubuh", (10000, 30000)),
        ("Lulur Bengkoang", "perawatan-tubuh", (20000, 60000)),
        ("Minyak Kemiri", "perawatan-tubuh", (15000, 45000)),
        ("Masker Kopi", "kosmetik", (20000, 55000)),
        ("Lip Balm Madu", "kosmetik", (15000, 40000)),
        ("Bedak Dingin", "kosmetik", (8000, 25000)),
    ],
    "perhiasan": [
        ("Cincin Perak", "perhiasan", (75000, 600000)),
        ("Gelang Tembaga", "aksesoris-logam", (30000, 150000)),
        ("Kalung Mutiara", "perhiasan", (150000, 1500000)),
        ("Bros Kuningan", "aksesoris-logam", (25000, 120000)),
        ("Anting Perak Filigri", "perhiasan", (90000, 450000)),
    ],
}

QUALIFIERS = {
    "kuliner": ["Pedas", "Original", "Extra Pedas", "Manis", "Gurih", "Khas Tegal", "Rumahan", "Premium",
                "Tanpa Pengawet", "Oleh-oleh Slawi", "Super", "Spesial"],
    "minuman-herbal": ["Wangi", "Khas Tegal", "Premium", "Bubuk", "Celup", "Tubruk", "Gula Batu",
                       "Asli Slawi", "Organik", "Super", "Sachet"],
    "fesyen": ["Motif Tegalan", "Motif Parang", "Motif Kawung", "Motif Sekar Jagad", "Motif Mega Mendung",
               "Motif Truntum", "Pewarna Alam", "Sutra", "Katun Primisima", "Lengan Panjang", "Slim Fit"],
    "kriya": ["Buatan Tangan", "Khas Tegal", "Natural", "Ukir", "Besar", "Kecil", "Set Isi 3",
              "Motif Bunga", "Antik", "Minimalis"],
    "logam-furnitur": ["Baja Tebal", "Anti Karat", "Tegal Asli", "Ukuran 24 cm", "Ukuran 30 cm", "Heavy Duty",
                       "Finishing Natural", "Lipat", "Jumbo", "Standar Pabrik"],
    "kosmetik": ["Alami", "Herbal", "Tanpa Paraben", "Aroma Melati", "Aroma Sereh", "Ukuran Travel"],
    "perhiasan": ["Perak 925", "Lapis Emas", "Handmade", "Motif Bunga", "Motif Naga", "Ukir Bali"],
}

VARIANTS = {
    "kuliner": [["100 g", "250 g", "500 g"], ["Botol 150 ml", "Botol 250 ml"], ["Isi 10", "Isi 25"], ["Standar"]],
    "minuman-herbal": [["100 g", "250 g", "1 kg"], ["Isi 25 sachet", "Isi 50 sachet"], ["Standar"]],
    "fesyen": [["S", "M", "L", "XL"], ["M", "L", "XL"], ["2 meter", "2,5 meter"], ["Standar"]],
    "kriya": [["Kecil", "Sedang", "Besar"], ["Standar"], ["Natural", "Coklat"]],
    "logam-furnitur": [["Standar"], ["24 cm", "28 cm", "32 cm"], ["Hitam", "Silver"]],
    "kosmetik": [["50 g", "100 g"], ["Standar"]],
    "perhiasan": [["Ukuran 16", "Ukuran 17", "Ukuran 18"], ["Standar"]],
}

SENTENCES = [
    "Dibuat oleh perajin lokal dengan bahan pilihan.",
    "Cocok untuk oleh-oleh dan hadiah keluarga.",
    "Dikemas rapi dan aman untuk pengiriman ke seluruh Indonesia.",
    "Produk IKM binaan Disnakerin Kota Tegal.",
    "Tahan lama dan mudah dirawat.",
    "Diproduksi setiap hari dalam jumlah terbatas.",
    "Bahan baku dari petani dan nelayan sekitar Tegal.",
    "Sudah bersertifikat halal dan PIRT.",
    "Pesanan dalam jumlah besar untuk acara kantor bisa dibantu.",
    "Warna produk bisa sedikit berbeda dari foto.",
    "Resep turun-temurun sejak tahun delapan puluhan.",
    "Ramah lingkungan, tanpa bahan plastik berlebih.",
]

STORE_PREFIXES = ["Toko", "UD", "CV", "Rumah", "Griya", "Sentra", "Kedai", "Dapur", "Galeri", "Omah",
                  "Warung", "Pondok", "Pusat", "Kios"]
STORE_CORES = {
    "kuliner": ["Sambal", "Telur Asin", "Kerupuk", "Bandeng", "Roti", "Camilan", "Olahan Ikan", "Kue"],
    "minuman-herbal": ["Teh", "Kopi", "Jamu", "Wedang", "Herbal"],
    "fesyen": ["Batik", "Tenun", "Busana", "Konveksi", "Kain"],
    "kriya": ["Kerajinan", "Anyaman", "Gerabah", "Ukir", "Rotan"],
    "logam-furnitur": ["Logam", "Besi", "Mebel", "Teknik", "Perkakas", "Bengkel"],
    "kosmetik": ["Herbal Cantik", "Sabun", "Perawatan"],
    "perhiasan": ["Perak", "Perhiasan", "Kuningan"],
}
STORE_NAMES = ["Sari", "Makmur", "Jaya", "Bu Rini", "Pak Darto", "Mas Anton", "Sumber Rezeki", "Barokah",
               "Lestari", "Mandiri", "Sejahtera", "Abadi", "Tegal Asri", "Slawi Indah", "Mbak Yuli",
               "Haji Sobari", "Sinar Pantura", "Karya Bahari", "Dewi Sri", "Rahayu", "Putra Tegal",
               "Cahaya", "Mekar Wangi", "Bu Tarsih", "Pak Kasmadi", "Mulya", "Berkah Ibu"]
CITIES = ["Kota Tegal", "Kota Tegal", "Kota Tegal", "Kabupaten Tegal", "Slawi", "Adiwerna", "Talang",
          "Dukuhturi", "Margadana", "Brebes", "Pemalang", "Bumijawa"]

# searched as the common words; each is in many product names
COMMON_WORDS = ["batik", "teh", "kopi", "sambal"]
# searched as the rare word; appears in exactly RARE_COUNT product names and nowhere else
RARE_WORD = "blangkon"
RARE_COUNT = 5
RARE_PRODUCT = ("Blangkon Gagrag Tegalan", "batik", (85000, 250000))
# a word found by no product (search falls back to prefix and loosened matches: its worst case)
MISS_WORD = "xylofonika"
