"""What shoppers wrote after their orders arrived: short, informal, a typo here and there, some
complaints. Each review is one completed order of the shopper (marketplace.demo_reviews), so
they go through the review rules like any buyer's. The reviewers are the demo shoppers of
demo_data.DEMO_SHOPPERS, pembeli1 to pembeli5."""

from __future__ import annotations

# product name: [(the shopper: N for the Nth of DEMO_SHOPPERS, pembeliN@demo.test; stars; what they wrote)]
REVIEWS: dict[str, list[tuple[int, int, str]]] = {
    "Sate Kambing Batibul Beku": [
        (1, 5, "Dagingnya empuk bgt, ga prengus sama sekali. Anak2 pada suka, pasti order lagi!"),
        (3, 5, "mantap, kecapnya khas tegal. dikirim ke jakarta sampe masih beku keras"),
        (5, 4, "Enak, cuma dagingnya per tusuk agak dikit. Overall puas sih"),
        (2, 3, "Rasanya enak tp paket nyampe udah agak lembek, es gel nya kurang. Semoga next lebih rapi"),
    ],
    "Tahu Aci Frozen": [
        (2, 5, "Persis kaya beli di alun2 Tegal. Goreng 5 menit langsung kriuk"),
        (4, 5, "Obat kangen kampung halaman 😭 isinya banyak, acinya kenyal"),
        (1, 4, "Enak, tp lain kali sambelnya dikasih lebih ya bu hehe"),
    ],
    "Teh Poci Gula Batu": [
        (1, 5, "Wangi melatinya berasa bgt. Seduh di poci tanah liat makin mantep"),
        (3, 5, "Teh nasgitel beneran, wasgitel! Pengiriman cepet"),
        (4, 4, "Enak cuma gula batunya kurang banyak buat sekeluarga"),
    ],
    "Set Poci Tanah Liat dan 2 Cangkir": [
        (4, 5, "Bagus bgt buat hadiah, packing kayu + bubble wrap tebel, aman"),
        (2, 2, "Satu cangkir retak pas nyampe. Udah chat penjual, katanya mau diganti, ditunggu ya"),
        (3, 4, "Posinya bagus, cuma tutupnya agak goyang dikit. Teh jadi lebih sedep"),
    ],
    "Batik Tulis Motif Tegalan": [
        (1, 5, "Warnanya sogan adem, tulisannya halus. Worth it sama harganya"),
        (3, 5, "Buat kondangan dipuji2 terus. Makasih bu Siti"),
        (5, 4, "Kainnya bagus, tp warnanya sedikit lebih gelap dr foto"),
    ],
    "Kemeja Batik Pria Lengan Panjang": [
        (3, 4, "Bahan adem, jahitan rapi. Ukuran L agak kecil, saran ambil 1 size diatasnya"),
        (2, 5, "Dipake ke kantor pas jumat, banyak yg nanya beli dimana 👍"),
    ],
    "Kopi Robusta Bumijawa": [
        (5, 5, "Pahitnya pas, aroma coklatnya keluar. Cocok tubruk pagi2"),
        (2, 5, "Langganan dr dulu, sekarang bs pesen online. mantul"),
        (3, 3, "Kopinya enak tp gilingannya terlalu halus buat french press saya"),
    ],
    "Jamu Kunyit Asam": [
        (4, 5, "Seger, ga terlalu manis. Pas lagi dapet minum ini enakan"),
        (1, 4, "Enak, cuma botolnya kecil ya, sehari langsung abis"),
    ],
    "Kerupuk Ikan Tengiri": [
        (1, 5, "Gurih ikannya berasa, mekar sempurna pas digoreng"),
        (2, 4, "Enak, tp ada bbrp yg pecah di jalan. Masih bisa digoreng kok"),
    ],
    "Kamir Tegal isi 10": [
        (3, 5, "Empuk, wangi tape nya khas. Sarapan keluarga jadi rebutan"),
        (4, 3, "Rasanya enak tp sampe hari ke3 udah agak keras. Mungkin krn kirimnya jauh"),
    ],
    "Tas Anyaman Pandan": [
        (1, 5, "Anyamannya rapi bgt, kuat buat ke pasar. Dapet bonus gantungan kunci hehe"),
        (4, 4, "Bagus, cuma warnanya agak beda dikit dr foto"),
    ],
    "Wajan Besi Tempa": [
        (5, 5, "Tebel, panasnya rata. Udah saya bakar dulu sesuai petunjuk penjual, ga lengket"),
        (2, 2, "Barang bagus tp ada karat dikit di pinggir pas dateng. Penjual responnya agak lama"),
    ],
    "Kaos Ora Ngapak Ora Kepenak": [
        (2, 5, "Wkwk tulisannya bikin ketawa orang sekantor. Sablonnya awet, udah dicuci brkali2"),
        (1, 4, "Bahannya adem, ukurannya pas. Cuma pengiriman agak lama 4 hari"),
    ],
    "Sarung Goyor Premium": [
        (3, 5, "Jatuhnya lembut bgt, buat bapak sholat jumat. Makasih"),
    ],
    "Bolu Gulung Pandan": [
        (5, 4, "Lembut, pandannya wangi. Kardusnya agak penyok tp isinya aman"),
    ],
    "Gir Set Motor": [
        (3, 5, "Pas di supra saya, bubutannya presisi. Harga bersahabat dibanding bengkel"),
    ],
}
