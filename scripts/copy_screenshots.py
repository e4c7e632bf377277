"""Copy the phone walk's chosen screenshots into docs/screenshots/ for the README.

The walk (tests/e2e/test_phone_walk.py) saves every page it checks under
test-artifacts/screenshots/phone/<width>/<role>/<page>.png; this picks the buying journey,
the seller's queue, government buying (the office's and the seller's side), a booth page, the
expo's agenda and the agency's report at 360 px.
`make screenshots` runs the walk, then this script.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "test-artifacts" / "screenshots" / "phone"
TARGET = ROOT / "docs" / "screenshots"
# (width, role, page as the walk names it) -> the name in docs/screenshots/
CHOSEN = {
    ("360", "anonymous", "home"): "360-beranda.png",
    ("360", "shopper", "products-int-product-id"): "360-produk.png",
    ("360", "shopper", "cart"): "360-keranjang.png",
    ("360", "shopper", "checkout"): "360-checkout.png",
    ("360", "shopper", "orders-number"): "360-pesanan.png",
    ("360", "seller_a", "seller-orders"): "360-antrean-penjual.png",
    ("360", "gov_pp", "gov"): "360-pengadaan.png",
    ("360", "gov_ppk", "gov-orders-number"): "360-surat-pesanan.png",
    ("360", "seller_a", "seller-gov-number"): "360-pesanan-instansi-penjual.png",
    ("360", "anonymous", "expo-slug-booths-booth"): "360-stan-expo.png",
    ("360", "anonymous", "expo-slug-agenda"): "360-agenda-expo.png",
    ("360", "agency", "agency-reports"): "360-laporan-corong.png",
}


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    missing = []
    for (width, role, page), name in CHOSEN.items():
        shot = SOURCE / width / role / f"{page}.png"
        if shot.exists():
            shutil.copyfile(shot, TARGET / name)
            print(f"{shot.relative_to(ROOT)} -> {(TARGET / name).relative_to(ROOT)}")
        else:
            missing.append(str(shot.relative_to(ROOT)))
    if missing:
        print("not found (run the walk first: make screenshots):\n  " + "\n  ".join(missing), file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
