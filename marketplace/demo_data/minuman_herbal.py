"""The minuman & herbal zone's stores: teh poci, coffee, jamu, sugar-cane juice."""

from __future__ import annotations

from marketplace.demo_data.stores import DemoProduct as P
from marketplace.demo_data.stores import DemoStore

MINUMAN_HERBAL = [
    DemoStore(
        "Teh Poci Mbok Darmi",
        "minuman-herbal",
        "Kota Tegal",
        "Jl. Ahmad Yani No. 112, Tegal Timur",
        "9120101234506",
        "0812-2811-5566",
        "Teh poci wasgitel — wangi, sepet, legi, kentel — racikan teh melati dan gula batu, diseduh dalam "
        "poci tanah liat seperti di warung-warung Tegal. Mbok Darmi meracik teh sejak 1990 di lapak kecil "
        "Jl. Ahmad Yani; sekarang tehnya dikemas untuk dibawa pulang dan dikirim. Buka setiap hari pukul "
        "15.00-23.00 WIB, waktunya moci. Melayani pesanan partai untuk warung, kafe, dan suvenir acara.",
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
        "kelompok tani Bumijawa. Kebun kami di Desa Sigedong, 1.200 mdpl; kelompok tani ini berdiri 2015 "
        "dan mulai menyangrai sendiri sejak 2019. Bisa pesan biji atau bubuk sesuai alat seduh. Pengiriman "
        "Senin-Sabtu, respon chat pukul 08.00-17.00 WIB. Melayani pesanan partai untuk kafe dan kedai kopi.",
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
        "Jamu gendong warisan keluarga, kini dalam botol dan serbuk instan: kunyit asam, beras kencur, jahe "
        "merah, dan temulawak. Mbok Karsih menggendong jamu keliling Dukuhturi selama 25 tahun sebelum "
        "anaknya membuka rumah produksi di Jl. Raya Dukuhturi. Jamu botol dibuat setiap hari, tahan 5 hari "
        "di kulkas. Buka pukul 07.00-17.00 WIB. Melayani pesanan partai untuk acara, katering, dan "
        "reseller.",
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
        "Minuman dan gula olahan dari tebu rakyat sekitar Pabrik Gula Pangka: sari tebu, sirup tebu, dan "
        "gula merah tebu. Keluarga Pak Wartono menanam tebu di Desa Pangkah turun-temurun, dan sejak 2017 "
        "mengolah sendiri hasil panennya. Tanpa pemanis buatan. Buka Senin-Sabtu pukul 08.00-16.00 WIB. "
        "Melayani pesanan partai untuk warung, hotel, dan hajatan.",
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
]
