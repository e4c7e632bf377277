"""/agency/shipping-rates (the marketplace's table) and /seller/shipping-rates (each store's
own table): counts per courier, CSV upload that replaces the table, CSV download."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from marketplace import audit, audit_text
from marketplace.agency import agency_only
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.stores import services as stores

from . import tables

bp = Blueprint("shipping_table", __name__, template_folder="templates")

MAX_FILE_BYTES = 2 * 1024 * 1024

audit_text.register({"shipping_table.imported": _l("%(actor)s mengimpor tabel ongkir untuk %(subject)s")})


def _uploaded_text() -> str:
    """The uploaded CSV as text; TableFileError (line 0) for a missing, huge or non-UTF-8 file."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise tables.TableFileError([(0, _("pilih berkas CSV"))])
    data = upload.stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise tables.TableFileError([(0, _("berkas lebih dari 2 MB"))])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise tables.TableFileError([(0, _("berkas bukan teks UTF-8"))]) from None


def _replace(store_id: int | None) -> tuple[int | None, tables.TableFileError | None]:
    try:
        count = tables.import_csv(_uploaded_text(), store_id)
    except tables.TableFileError as exc:
        db.session.rollback()
        return None, exc
    audit.record(
        current_user,
        "shipping_table.imported",
        "store" if store_id else "site",
        store_id or 0,
        store_id=store_id,
        rows=count,
    )
    db.session.commit()
    return count, None


def _csv(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- the agency: the marketplace's table ---------------------------------------------------------


@bp.route("/agency/shipping-rates", methods=["GET", "POST"])
def agency_index():
    """The marketplace's table: counts per courier; a POSTed CSV replaces it. 422 with the bad lines."""
    refused = agency_only()
    if refused is not None:
        return refused
    error = None
    if request.method == "POST":
        count, error = _replace(None)
        if error is None:
            flash(_("Tabel tarif diganti: %(count)s baris.", count=count))
            return redirect(url_for("shipping_table.agency_index"))
    page = render_template(
        "shipping_table/agency.html",
        counts=tables.counts(None),
        own_tables=tables.stores_with_own_table(),
        error=error,
    )
    return page, (422 if error else 200)


@bp.get("/agency/shipping-rates.csv")
def agency_download():
    """The marketplace's table as CSV."""
    refused = agency_only()
    if refused is not None:
        return refused
    return _csv(tables.export_csv(None), "tarif-ongkir.csv")


# --- a store's own table ------------------------------------------------------------------------


@bp.get("/seller/shipping-rates")
@login_required
def seller_index():
    """The stores the user works for, each with its own table's counts and upload form."""
    mine = [(store, tables.counts(store.id)) for store in stores.workable_stores(current_user)]
    return render_template("shipping_table/seller.html", stores=mine, errors={})


@bp.post("/seller/shipping-rates/<slug>")
@login_required
def seller_upload(slug: str):
    """Replace the store's own table with a CSV. :raise 404: not the user's store; 422: bad lines"""
    store = stores.get_store(slug)
    stores.require_member(store, current_user)
    count, error = _replace(store.id)
    if error is None:
        flash(_("Tabel tarif %(store)s diganti: %(count)s baris.", store=store.name, count=count))
        return redirect(url_for("shipping_table.seller_index"))
    mine = [(s, tables.counts(s.id)) for s in stores.workable_stores(current_user)]
    return render_template("shipping_table/seller.html", stores=mine, errors={store.id: error}), 422


@bp.get("/seller/shipping-rates/<slug>.csv")
@login_required
def seller_download(slug: str):
    """The store's own table as CSV. :raise 404: not the user's store"""
    store = stores.get_store(slug)
    stores.require_member(store, current_user)
    if store is None:
        abort(404)
    return _csv(tables.export_csv(store.id), f"tarif-ongkir-{store.slug}.csv")
