"""Seed a large catalogue through the real services, for the benchmarks.

    .venv/bin/python bench/seed.py --database-url sqlite:////tmp/x.sqlite --stores 500 --products-per-store 200

The database must already be migrated (``flask db upgrade``). Everything goes
through the services a seller or the agency would use (stores.register_store,
catalog.create_products — a store's products at once, by create_product's rules —,
expo.create_expo/add_exhibitor/set_featured,
accounts.create_user/issue_token), one commit per batch of products. Writes a
manifest (JSON) of what the benchmark needs: a store, a product, the expo, the
shoppers' API tokens, the variants checkout may buy, the search words.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# the application under test: this checkout, or another one (run.py --app-root)
APP_ROOT = Path(os.environ.get("APIK_APP_ROOT") or BENCH.parent)
sys.path.insert(0, str(APP_ROOT))
sys.path.insert(0, str(BENCH))

import words as W  # noqa: E402  (bench/words.py)

SEED_VERSION = 2  # bump when what the seeder writes changes: the cache key includes it
SHOPPER_PASSWORD = "bench-shopper-123"
HOT_STOCK = 20  # units of each limited-stock variant that checkout races for
HOT_VARIANTS = 4


def log(msg: str) -> None:
    print(f"[seed] {msg}", flush=True)


def build_app(database_url: str, upload_folder: str):
    from marketplace import create_app

    return create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-not-secret",
            "RATELIMIT_ENABLED": False,
            "UPLOAD_FOLDER": upload_folder,
            "WTF_CSRF_ENABLED": False,
        }
    )


def _sectors_for(n_stores: int, rng: random.Random) -> list[str]:
    pool = [s for s, w in W.SECTOR_WEIGHTS.items() for _ in range(w)]
    # every sector at least once when there are enough stores, the rest by weight
    first = list(W.SECTOR_WEIGHTS)[:n_stores]
    return first + [rng.choice(pool) for _ in range(n_stores - len(first))]


def _store_name(i: int, sector: str, rng: random.Random, used: set[str]) -> str:
    for _attempt in range(20):
        name = f"{rng.choice(W.STORE_PREFIXES)} {rng.choice(W.STORE_CORES[sector])} {rng.choice(W.STORE_NAMES)}"
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(W.STORE_PREFIXES)} {rng.choice(W.STORE_CORES[sector])} {i + 1}"
    used.add(name)
    return name


def _product_data(store, sector: str, index: int, rng: random.Random, rare: bool) -> dict:
    if rare:
        base, category, (lo, hi) = W.RARE_PRODUCT
        qualifiers = [rng.choice(W.QUALIFIERS["fesyen"])]
        variant_names = ["Ukuran 55", "Ukuran 57", "Ukuran 59"]
    else:
        base, category, (lo, hi) = rng.choice(W.PRODUCTS[sector])
        qualifiers = rng.sample(W.QUALIFIERS[sector], k=rng.choice((1, 1, 2)))
        variant_names = rng.choice(W.VARIANTS[sector])
    name = " ".join([base, *qualifiers])
    description = " ".join(
        [f"{base} {qualifiers[0].lower()} buatan {store.name} dari {store.city}.", *rng.sample(W.SENTENCES, k=3)]
    )
    base_price = rng.randrange(lo, hi + 1, 500) if hi > lo else lo
    variants = []
    for v, vname in enumerate(variant_names):
        variants.append(
            {
                "name": vname,
                "sku": f"B{store.id}-{index}-{v}",
                "price": max(500, int(base_price * (1 + 0.35 * v)) // 500 * 500),
                # a few variants sold out, most with stock; checkout buys from the well-stocked ones
                "stock": 0 if rng.random() < 0.05 else rng.randrange(50, 500),
            }
        )
    # ~2 % drafts and ~1 % archived products, which no public page may show
    roll = rng.random()
    status = "draft" if roll < 0.02 else "archived" if roll < 0.03 else "active"
    return {
        "name": name,
        "description": description,
        "category": category,
        "status": status,
        "unit": "pcs",
        "variants": variants,
    }


def _seed_products_job(store_ids, job, args):
    return _seed_products(store_ids=store_ids, job=job, **args)


def _seed_products(
    database_url: str,
    upload_folder: str,
    store_ids: list[int],
    per_store: int,
    rare_ids: list[int],
    agency_id: int,
    images: bool,
    batch: int,
    random_seed: int,
    job: int,
) -> list[str]:
    """Products of the given stores through catalog.create_products (one call per store, the
    rules of create_product); returns SKUs checkout may buy."""
    from marketplace.accounts.models import User
    from marketplace.catalog import services as catalog
    from marketplace.extensions import db
    from marketplace.stores.models import Store

    app = build_app(database_url, upload_folder)
    checkout_pool: list[str] = []
    total = len(store_ids) * per_store
    done = 0
    t0 = time.monotonic()
    prefix = f"job {job}: " if job else ""
    with app.app_context():
        agency = db.session.get(User, agency_id)
        for store_id in store_ids:
            store = db.session.get(Store, store_id)
            rng = random.Random(f"{random_seed}-{store_id}")  # the same catalogue whatever the jobs
            items = []
            for p in range(per_store):
                rare = store_id in rare_ids and p == 0
                data = _product_data(store, store.sector, p, rng, rare)
                items.append(data)
                if data["status"] == "active" and rng.random() < 0.05:
                    for v in data["variants"]:
                        if v["stock"] >= 50:
                            checkout_pool.append(v["sku"])
                            break
            # the store's products at once, by create_product's rules (catalog.create_products)
            products = catalog.create_products(store, agency, items)
            if images:
                from io import BytesIO

                from PIL import Image

                for product in products:
                    buffer = BytesIO()
                    Image.new("RGB", (800, 600), (rng.randrange(256), rng.randrange(256), 90)).save(buffer, "JPEG")
                    buffer.seek(0)
                    catalog.add_image(product, agency, buffer)
            done += len(items)
            if done // batch > (done - len(items)) // batch:
                db.session.commit()
                elapsed = time.monotonic() - t0
                log(
                    f"{prefix}{done}/{total} products, {elapsed:.0f}s, {done / elapsed:.0f}/s, "
                    f"eta {(total - done) / (done / elapsed):.0f}s"
                )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return checkout_pool[:400]


def seed(
    database_url: str,
    n_stores: int,
    per_store: int,
    *,
    shoppers: int = 64,
    exhibitors: int = 200,
    featured: int = 12,
    images: bool = False,
    batch: int = 2000,
    upload_folder: str | None = None,
    random_seed: int = 20261127,
    jobs: int = 1,
) -> dict:
    from sqlalchemy import select

    from marketplace.accounts import services as accounts
    from marketplace.accounts import tokens as api_tokens
    from marketplace.catalog import services as catalog
    from marketplace.catalog.models import Category
    from marketplace.clock import now
    from marketplace.expo import services as expo_services
    from marketplace.extensions import db
    from marketplace.stores import services as stores

    rng = random.Random(random_seed)
    upload_folder = upload_folder or tempfile.mkdtemp(prefix="bench-uploads-")
    app = build_app(database_url, upload_folder)
    manifest: dict = {
        "seed_version": SEED_VERSION,
        "stores": n_stores,
        "products_per_store": per_store,
        "images": images,
        "common_words": W.COMMON_WORDS,
        "rare_word": W.RARE_WORD,
        "miss_word": W.MISS_WORD,
    }
    started = time.monotonic()
    with app.app_context():
        # categories: the standard ones of migration 0002, or a few made here when it is absent
        slugs = set(db.session.scalars(select(Category.slug)))
        needed = {c for items in W.PRODUCTS.values() for _n, c, _p in items}
        for slug in sorted(needed - slugs):
            db.session.add(
                Category(
                    slug=slug,
                    name=slug.replace("-", " ").title(),
                    name_en=slug,
                    sector=next(s for s, items in W.PRODUCTS.items() if any(c == slug for _n, c, _p in items)),
                )
            )
        db.session.commit()
        manifest["categories_created_by_seed"] = sorted(needed - slugs)

        agency = accounts.create_user("bench-agency@apik-bench.id", SHOPPER_PASSWORD, "Agensi Bench", role="agency")
        db.session.commit()

        # stores: registered by the agency and approved (~1 % suspended once their products exist)
        sectors = _sectors_for(n_stores, rng)
        used: set[str] = set()
        store_rows = []
        t0 = time.monotonic()
        for i, sector in enumerate(sectors):
            data = {
                "name": _store_name(i, sector, rng, used),
                "sector": sector,
                "city": rng.choice(W.CITIES),
                "nib": f"{3328000000000 + i:013d}",
                "whatsapp": f"0812{2000000 + i:07d}",
                "address": f"Jl. Pantura No. {i + 1}",
                "description": f"IKM {W.STORE_CORES[sector][0].lower()} dari Tegal. " + rng.choice(W.SENTENCES),
            }
            store = stores.register_store(agency, data, status="approved")
            store_rows.append(store)
        db.session.commit()
        rare_stores = {s.id for s in [s for s in store_rows if s.sector == "fesyen"][: W.RARE_COUNT]} or {
            s.id for s in store_rows[: W.RARE_COUNT]
        }
        log(f"{n_stores} stores in {time.monotonic() - t0:.1f}s")

        # products, one commit per batch; with jobs > 1, stores split between processes (PostgreSQL)
        t0 = time.monotonic()
        total = n_stores * per_store
        store_ids = [s.id for s in store_rows]
        agency_id = agency.id
        db.session.remove()
        args = dict(
            database_url=database_url,
            upload_folder=upload_folder,
            per_store=per_store,
            rare_ids=sorted(rare_stores),
            agency_id=agency_id,
            images=images,
            batch=batch,
            random_seed=random_seed,
        )
        if jobs <= 1:
            checkout_pool = _seed_products(store_ids=store_ids, job=0, **args)
        else:
            import multiprocessing

            ctx = multiprocessing.get_context("spawn")
            with ctx.Pool(jobs) as pool:
                parts = pool.starmap(_seed_products_job, [(store_ids[j::jobs], j + 1, args) for j in range(jobs)])
            checkout_pool = [sku for part in parts for sku in part][:400]
        product_seconds = time.monotonic() - t0
        log(f"{total} products in {product_seconds:.1f}s ({total / max(product_seconds, 1e-9):.0f}/s, {jobs} job(s))")

        # suspend ~1 % *after* their products exist: they must vanish from every page
        from marketplace.stores.models import Store

        agency = db.session.get(type(agency), agency_id)
        for sid in store_ids[7::97]:
            stores.set_status(db.session.get(Store, sid), agency, "suspended", "Bench: dokumen tidak lengkap")
        db.session.commit()

        # the expo: live now, exhibitors by sector zone with booths, featured vendors
        selling = [db.session.get(Store, sid) for sid in store_ids]
        selling = [s for s in selling if s.status == "approved"]
        expo = expo_services.create_expo(
            agency,
            "apik-banget-bench",
            "Apik Banget Virtual Expo (Bench)",
            now() - timedelta(days=1),
            now() + timedelta(days=30),
            "Expo virtual IKM Kota Tegal untuk pengujian beban.",
        )
        for rank, store in enumerate(selling[:exhibitors]):
            expo_services.add_exhibitor(
                agency, expo, store, booth=f"{'ABCDE'[rank % 5]}-{rank + 1:03d}", zone=store.sector
            )
        expo_services.set_featured(agency, selling[:featured])
        db.session.commit()
        manifest["expo_slug"] = expo.slug
        manifest["exhibitors"] = min(exhibitors, len(selling))

        middle = selling[len(selling) // 2]
        manifest["store_slug"] = middle.slug
        from marketplace.catalog.models import Product

        manifest["product_id"] = db.session.scalar(
            select(Product.id)
            .where(Product.store_id == middle.id, Product.status == "active")
            .order_by(Product.id)
            .limit(1)
        )

        # checkout: a store with a few limited-stock variants that the shoppers race for
        hot_store = stores.register_store(
            agency,
            {
                "name": "Sambal Bu Rini Edisi Terbatas",
                "sector": "kuliner",
                "city": "Kota Tegal",
                "nib": "3328999999999",
                "whatsapp": "081299999999",
            },
            status="approved",
        )
        hot_ids = []
        for h in range(HOT_VARIANTS):
            product = catalog.create_product(
                hot_store,
                agency,
                {
                    "name": f"Sambal Cumi Edisi Terbatas {h + 1}",
                    "description": "Hanya sedikit, cepat habis.",
                    "category": "sambal-bumbu",
                    "status": "active",
                    "variants": [{"name": "Botol 200 ml", "sku": f"HOT-{h}", "price": 35000, "stock": HOT_STOCK}],
                },
            )
            db.session.flush()
            hot_ids.append(product.id)
        db.session.commit()
        from marketplace.catalog.models import Product, Variant

        manifest["hot_variant_ids"] = list(
            db.session.scalars(select(Variant.id).where(Variant.product_id.in_(hot_ids)).order_by(Variant.id))
        )
        manifest["hot_stock"] = HOT_STOCK
        manifest["checkout_variant_ids"] = list(
            db.session.scalars(
                select(Variant.id)
                .join(Product, Product.id == Variant.product_id)
                .join(Store, Store.id == Product.store_id)
                .where(
                    Variant.sku.in_(checkout_pool),
                    Product.status == "active",
                    Store.status == "approved",
                    Variant.stock >= 50,
                )
            )
        )

        # shoppers with API tokens (password hashing is the slow part: a few per second)
        t0 = time.monotonic()
        tokens = []
        for i in range(shoppers):
            user = accounts.create_user(f"pembeli{i + 1}@apik-bench.id", SHOPPER_PASSWORD, f"Pembeli {i + 1}")
            db.session.flush()
            tokens.append(api_tokens.issue_token(user))
        db.session.commit()
        manifest["shopper_tokens"] = tokens
        log(f"{shoppers} shoppers in {time.monotonic() - t0:.1f}s")

        # the worker folds listing_counts' change rows every minute: a running market's are folded
        from marketplace.catalog import listing_counts

        listing_counts.fold()

        from sqlalchemy import func

        from marketplace.catalog.models import Product as P

        manifest["counts"] = {
            "products": db.session.scalar(select(func.count()).select_from(P)),
            "active_products": db.session.scalar(select(func.count()).select_from(P).where(P.status == "active")),
            "variants": db.session.scalar(select(func.count()).select_from(Variant)),
            "stores": db.session.scalar(select(func.count()).select_from(Store)),
        }
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as conn:
                from sqlalchemy import text

                conn.execute(text("PRAGMA optimize"))
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        else:
            from sqlalchemy import text

            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        db.session.remove()
        db.engine.dispose()
    manifest["seconds"] = round(time.monotonic() - started, 1)
    manifest["product_seconds"] = round(product_seconds, 1)
    manifest["products_per_second"] = round(total / max(product_seconds, 1e-9), 1)
    log(f"done in {manifest['seconds']}s")
    return manifest


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--stores", type=int, default=500)
    parser.add_argument("--products-per-store", type=int, default=200)
    parser.add_argument("--shoppers", type=int, default=64)
    parser.add_argument("--exhibitors", type=int, default=200)
    parser.add_argument("--featured", type=int, default=12)
    parser.add_argument("--images", action="store_true", help="one 800x600 photo per product (slow)")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument(
        "--jobs", type=int, default=1, help="processes seeding products in parallel (PostgreSQL; SQLite has one writer)"
    )
    parser.add_argument("--upload-folder")
    parser.add_argument("--manifest", help="write the manifest JSON here (default: print it)")
    args = parser.parse_args(argv)
    manifest = seed(
        args.database_url,
        args.stores,
        args.products_per_store,
        shoppers=args.shoppers,
        exhibitors=args.exhibitors,
        featured=args.featured,
        images=args.images,
        batch=args.batch,
        upload_folder=args.upload_folder,
        jobs=args.jobs,
    )
    text = json.dumps(manifest, indent=1)
    if args.manifest:
        Path(args.manifest).write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
