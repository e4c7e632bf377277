"""The WhatsApp message templates of the notices (``marketplace.channels.NOTICES``).

WhatsApp lets a business start a conversation only with a template registered in WhatsApp
Manager and approved by Meta. Each notice has one, category UTILITY, language ``id``: its
body text with numbered parameters (the notice's parameters in the order of ``NOTICES``, the
``url`` left out) and one URL button ``{BASE_URL}/{{1}}`` whose suffix is the page's path.
README.md lists the same texts to register; :data:`TEMPLATES` is what the plugin sends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from marketplace.channels import NOTICES, Notice


@dataclass(frozen=True)
class Template:
    """One registered template: its name, the notice parameters of its body in order, its
    Indonesian body text (``{{n}}`` is the n-th of ``body``) and its URL button's label."""

    name: str
    body: tuple[str, ...]
    text: str
    button: str


TEMPLATES: dict[str, Template] = {
    "order_placed": Template(
        "apik_order_placed",
        ("name", "number", "total"),
        "Halo {{1}}, pesanan {{2}} sebesar {{3}} sudah kami terima. Selesaikan pembayarannya agar "
        "penjual dapat segera memproses pesanan Anda.",
        "Lihat pesanan",
    ),
    "order_paid": Template(
        "apik_order_paid",
        ("name", "number", "total"),
        "Halo {{1}}, pembayaran pesanan {{2}} sebesar {{3}} sudah kami terima. Penjual akan segera "
        "menyiapkan pesanan Anda.",
        "Lihat pesanan",
    ),
    "order_shipped": Template(
        "apik_order_shipped",
        ("name", "number", "courier", "tracking_number"),
        "Halo {{1}}, pesanan {{2}} sudah dikirim lewat {{3}} dengan nomor resi {{4}}.",
        "Lacak kiriman",
    ),
    "complaint_opened": Template(
        "apik_complaint_opened",
        ("name", "number", "reason"),
        "Halo {{1}}, komplain atas pesanan {{2}} telah dibuka dengan alasan: {{3}}. Kami kabari "
        "setiap ada perkembangan.",
        "Lihat komplain",
    ),
    "complaint_decided": Template(
        "apik_complaint_decided",
        ("name", "number", "decision"),
        "Halo {{1}}, komplain atas pesanan {{2}} sudah diputuskan: {{3}}.",
        "Lihat keputusan",
    ),
    "seller_order_waiting": Template(
        "apik_seller_order_waiting",
        ("name", "number", "total", "deadline"),
        "Halo {{1}}, pesanan {{2}} sebesar {{3}} menunggu Anda terima sebelum {{4}}. Bila tidak "
        "diterima, pesanan batal otomatis dan uang pembeli dikembalikan.",
        "Proses pesanan",
    ),
}

# WhatsApp refuses a parameter with a new line or tab, or more than four spaces in a row
# (and an empty one): the text is folded to single spaces, and an empty value sent as "-".
_SPACE = re.compile(r"\s+")
MAX_PARAMETER = 1024  # WhatsApp's limit for a body parameter


def parameter_text(value: object) -> str:
    text = _SPACE.sub(" ", str(value if value is not None else "")).strip()
    return text[:MAX_PARAMETER] or "-"


def _text(value: str) -> dict:
    return {"type": "text", "text": value}


def template_of(notice: str) -> Template:
    """The template of ``notice``; KeyError for a notice without one."""
    if notice not in NOTICES:
        raise KeyError(notice)
    return TEMPLATES[notice]


def message_template(notice: Notice, base_url: str, language: str) -> dict:
    """The ``template`` object of the send request for ``notice``: its name, the language and
    the components (body parameters in order, then the URL button with the page's path after
    ``base_url``). A ``url`` outside ``base_url`` cannot be a button's suffix: it goes as one
    more body parameter. KeyError for a notice without a template."""
    template = template_of(notice.notice)
    parameters = [_text(parameter_text(notice.params.get(name))) for name in template.body]
    url = str(notice.params.get("url") or "")
    base = base_url.rstrip("/") + "/"
    components: list[dict] = [{"type": "body", "parameters": parameters}]
    if url.startswith(base) and len(url) > len(base):
        suffix = url[len(base) :]
        components.append({"type": "button", "sub_type": "url", "index": "0", "parameters": [_text(suffix)]})
    else:
        parameters.append(_text(parameter_text(url)))
    return {"name": template.name, "language": {"code": language}, "components": components}
