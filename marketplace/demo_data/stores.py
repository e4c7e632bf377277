"""The shapes of the demo's stores and products; each sector's stores are in the module named after it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DemoProduct:
    name: str
    category: str
    unit: str
    weight_grams: int
    description: str
    variants: list[tuple[str, int, int]]  # (name, price in rupiah, stock)
    kind: str | None = None  # its photos' drawing (marketplace.demo_images.DRAWINGS); None: told by its name


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
