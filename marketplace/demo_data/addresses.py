"""The demo shopper's address book: home in Jakarta (the default), the office in Kota Tegal."""

from __future__ import annotations

SHOPPER_ADDRESSES = [
    {
        "label": "Rumah",
        "recipient": "Rina Kurniasih",
        "phone": "0812-2634-1187",
        "district_code": "31.74.07",  # Kebayoran Baru, Kota Administrasi Jakarta Selatan
        "village_code": "31.74.07.1004",  # Selong
        "street": "Jl. Gunawarman No. 21, RT 04/RW 02",
        "postal_code": "12110",
        "is_default": True,
    },
    {
        "label": "Kantor",
        "recipient": "Rina Kurniasih",
        "phone": "0812-2634-1187",
        "district_code": "33.76.02",  # Tegal Timur, Kota Tegal
        "village_code": "33.76.02.1005",  # Mintaragen
        "street": "Jl. Kolonel Sudiarto No. 8, RT 01/RW 05",
        "postal_code": "52121",
    },
]
