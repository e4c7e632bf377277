"""The region picker of HTML forms (``templates/_region_picker.html``), server side.

With JavaScript the picker is four cascading selects fed by ``GET /api/v1/regions``; without it,
a district search whose submission (the button named ``<prefix>region_search``) lists the
matching districts as choices. Either way the form posts ``<prefix>province_code``,
``<prefix>regency_code``, ``<prefix>district_code`` and ``<prefix>village_code``, which
:func:`values` hands to the services (``addresses.validate`` checks they agree).

A view builds the macro's state with :func:`state` from the posted form (or from a saved
record's codes on GET) and asks :func:`searching` whether the post was only a search.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from marketplace.i18n import gettext as _
from marketplace.shipping import regions

FIELDS = ("province_code", "regency_code", "district_code", "village_code")
SEARCH_LIMIT = 20


@dataclass
class PickerState:
    """What the macro shows: the chosen codes, the options of each select, the search and its matches."""

    prefix: str = ""
    province_code: str = ""
    regency_code: str = ""
    district_code: str = ""
    village_code: str = ""
    provinces: list[regions.Region] = field(default_factory=list)
    regencies: list[regions.Region] = field(default_factory=list)
    districts: list[regions.Region] = field(default_factory=list)
    villages: list[regions.Region] = field(default_factory=list)
    query: str = ""
    matches: list[regions.Region] = field(default_factory=list)
    searched: bool = False
    search_error: str = ""
    district_label: str = ""

    def name(self, field_name: str) -> str:
        return self.prefix + field_name

    def label(self, region: regions.Region) -> str:
        """ "Tegal Barat, Kota Tegal, Jawa Tengah": what a search match is shown as."""
        return regions.label(region)


def _text(form: Mapping, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def searching(form: Mapping, prefix: str = "") -> bool:
    """The post asked for a district search (the no-JavaScript path), not to save."""
    return bool(form.get(prefix + "region_search"))


def values(form: Mapping, prefix: str = "") -> dict[str, str | None]:
    """The four codes as the services take them (absent: None). Without JavaScript the selects are not
    sent and the village select still lists the villages of the district shown before a search: a
    village outside the district chosen since is dropped rather than refused."""
    codes = {name: _text(form, prefix + name) or None for name in FIELDS}
    district, village = codes["district_code"], codes["village_code"]
    if not codes["province_code"] and district and village and not village.startswith(district + "."):
        codes["village_code"] = None
    return codes


def _chosen(form: Mapping, prefix: str) -> dict[str, str]:
    """The codes the form holds, made to agree from the most precise one up: a village names its
    district when none is chosen, a district its regency and province (the selects, disabled
    without JavaScript, send none; a district found by search may lie elsewhere)."""
    codes = {name: _text(form, prefix + name) for name in FIELDS}
    if not codes["district_code"] and codes["village_code"]:
        village = regions.get(codes["village_code"])
        if village is not None and village.level == "village":
            codes["district_code"] = village.parent or ""
    if regions.is_district(codes["district_code"]):
        codes["province_code"], codes["regency_code"] = codes["district_code"][:2], codes["district_code"][:5]
    return codes


def state(form: Mapping, prefix: str = "", search: bool = False) -> PickerState:
    """The picker for ``form`` (request.form, or a record's codes as a dict); ``search``: run the district
    search of ``<prefix>district_q``."""
    codes = _chosen(form, prefix)
    picker = PickerState(prefix=prefix, **codes, provinces=regions.children(None))
    if regions.get(picker.province_code):
        picker.regencies = regions.children(picker.province_code)
    if regions.get(picker.regency_code):
        picker.districts = regions.children(picker.regency_code)
    if regions.is_district(picker.district_code):
        picker.villages = regions.children(picker.district_code)
        picker.district_label = regions.label(picker.district_code)
    picker.query = " ".join(_text(form, prefix + "district_q").split())[:100]
    if search:
        picker.searched = True
        if len(picker.query) < regions.MIN_QUERY:
            picker.search_error = _("Ketik sedikitnya %(n)d huruf.", n=regions.MIN_QUERY)
        else:
            picker.matches = regions.search(picker.query, level="district", limit=SEARCH_LIMIT)
            if not picker.matches:
                picker.search_error = _("Tidak ada kecamatan yang cocok. Coba nama lain.")
    return picker
