"""The agency console under /agency/: verification, featured vendors, the
commission, assisted selling and the audit log (expos, reports and onboarding
are in the sibling *_views modules; the blueprint is the package's).

HTTP only: forms parse, agency/stores/expo services decide, the view commits
or rolls back. Every page is for agency officers (and admins): a visitor is
sent to the login page, anyone else gets 403.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from marketplace import audit_text, plugin_api, site_settings
from marketplace.agency import assist, bp, bulk, flash_claim_mail, flash_error, queries, services
from marketplace.agency.forms import ActionForm, CommissionForm, EmailForm, FeaturedAddForm, ReasonForm
from marketplace.errors import ServiceError
from marketplace.expo import queries as expo_queries
from marketplace.expo import services as expos
from marketplace.extensions import db
from marketplace.forms import failed
from marketplace.gov import commission as gov_commission
from marketplace.i18n import gettext as _
from marketplace.inputs import page_arg
from marketplace.stores.models import STORE_STATUSES

PER_PAGE = 50
STATUS_LABELS = {
    "pending": _l("Menunggu verifikasi"),
    "approved": _l("Terverifikasi"),
    "rejected": _l("Ditolak"),
    "suspended": _l("Dibekukan"),
}


@bp.app_template_filter("audit_action")
def audit_action_label(action: str) -> str:
    return assist.action_label(action)


@bp.app_template_global("audit_line")
def audit_line(row, actor_name, store_name=None, store_slug=None, subjects=None):
    """An audit row as a sentence with links and what changed (marketplace/audit_text.py)."""
    return audit_text.sentence(row, actor_name, store_name, store_slug, subjects)


def _audit_subjects(rows) -> dict:
    return {("expo", i): (name, url_for(".expo", slug=slug)) for i, (name, slug) in queries.audit_expos(rows).items()}


@bp.app_template_filter("store_status_label")
def store_status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


# --- the dashboard ----------------------------------------------------------------


@bp.get("/")
def dashboard():
    """Counts of stores by status, the expos, the commission, and links to every task."""
    expo_list = expos.list_expos()
    return render_template(
        "agency/dashboard.html",
        counts=services.status_counts(),
        expos=expo_list,
        states={e.id: expos.expo_state(e) for e in expo_list},
        commission=site_settings.percent_label(site_settings.get_commission_bps()),
        featured=len(services.featured_slugs()),
        # development only: production refuses to start with a plugin setting missing or wrong
        unconfigured=plugin_api.needs_configuration() if "admin" in current_user.roles else {},
    )


# --- verification -----------------------------------------------------------------


@bp.get("/stores")
def stores():
    """The verification queue: stores of ?status= (pending by default; "all" for every one)."""
    status = request.args.get("status", "pending")
    status = status if status in STORE_STATUSES else None
    page = page_arg()
    rows, total = services.store_queue(status, page, PER_PAGE)
    return render_template(
        "agency/stores.html",
        stores=rows,
        total=total,
        page=page,
        per_page=PER_PAGE,
        status=status,
        counts=services.status_counts(),
        statuses=STORE_STATUSES,
    )


def _render_store(store, status: int = 200, reason_form=None, email_form=None):
    audit_rows, _total = queries.audit_page(1, 20, store=store)
    products, product_count = queries.products_for_review(store)
    return render_template(
        "agency/store.html",
        store=store,
        products=products,
        product_count=product_count,
        reason_form=reason_form or ReasonForm(formdata=None),
        email_form=email_form or EmailForm(formdata=None),
        action=ActionForm(formdata=None),
        audit_rows=audit_rows,
        subjects=_audit_subjects(audit_rows),
        exhibiting=expos.exhibitions_of(store),
    ), status


@bp.get("/stores/<slug>")
def store(slug: str):
    """One store: its data, owner, history and the decisions that can be made. :raise 404:"""
    return _render_store(services.store_with_owner(slug))


@bp.post("/stores/<slug>/<any(approve, reject, suspend, reinstate):decision>")
def decide(slug: str, decision: str):
    """Approve, reject (reason), suspend (reason) or reinstate a store. :raise 404: unknown store."""
    store = services.store_with_owner(slug)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _render_store(store, 422, reason_form=form)
    try:
        services.decide(current_user, store, decision, form.reason.data)
        db.session.commit()
    except ServiceError as exc:
        status = failed(form, exc)
        return _render_store(services.store_with_owner(slug), status, reason_form=form)
    flash(_decided(decision, store.name), "success")
    return redirect(url_for(".store", slug=slug))


def _decided(decision: str, name: str) -> str:
    if decision == "approve":
        return _("Toko %(s)s disetujui dan mulai berjualan.", s=name)
    if decision == "reject":
        return _("Pengajuan toko %(s)s ditolak; penjual melihat alasannya.", s=name)
    if decision == "suspend":
        return _("Toko %(s)s dibekukan; produknya tidak tampil dan pesanan baru berhenti.", s=name)
    return _("Toko %(s)s dipulihkan dan berjualan lagi.", s=name)


@bp.post("/stores/decide-many")
def decide_many():
    """Approve or suspend the ticked stores: the first submit shows what will happen and asks
    to confirm (no JavaScript needed); the confirmed one decides and says how many, and which
    were skipped and why."""
    decision, reason = request.form.get("decision", ""), request.form.get("reason", "").strip()
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        bulk.check_decision(decision, reason)
        chosen = bulk.chosen_stores(request.form.getlist("stores"))
    except ServiceError as exc:
        flash_error(exc)
        return redirect(url_for(".stores", status=request.form.get("status") or None))
    if request.form.get("confirm") != "1":
        action = ActionForm(formdata=None)
        return render_template(
            "agency/confirm_bulk.html", stores=chosen, decision=decision, reason=reason, action=action
        )
    result = bulk.decide_many(current_user, chosen, decision, reason)
    db.session.commit()
    _flash_bulk(decision, result)
    return redirect(url_for(".stores", status=request.form.get("status") or None))


def _flash_bulk(decision: str, result: bulk.BulkDecision) -> None:
    done = len(result.done)
    if decision == "approve":
        flash(ngettext("%(num)d toko disetujui.", "%(num)d toko disetujui.", done), "success" if done else "info")
    else:
        flash(ngettext("%(num)d toko dibekukan.", "%(num)d toko dibekukan.", done), "success" if done else "info")
    if result.skipped:
        why = "; ".join(f"{store.name} ({message})" for store, message in result.skipped)
        flash(_("%(n)d dilewati: %(why)s.", n=len(result.skipped), why=why), "warning")


@bp.post("/stores/<slug>/invite-owner")
def invite_owner(slug: str):
    """E-mail a claim link to the owner of a store the agency registered. :raise 404:"""
    store = services.store_with_owner(slug)
    form = EmailForm()
    if not form.validate_on_submit():
        return _render_store(store, 422, email_form=form)
    try:
        invite, token = services.invite_owner(current_user, store, form.email.data)
        services.queue_claim_mail(store, invite, token)
        db.session.commit()
    except ServiceError as exc:
        status = failed(form, exc)
        return _render_store(services.store_with_owner(slug), status, email_form=form)
    flash_claim_mail(invite)
    return redirect(url_for(".store", slug=slug))


@bp.post("/stores/<slug>/assist")
def start_assist(slug: str):
    """Start helping a store that allowed it: to its seller dashboard. :raise 403: not allowed."""
    store = services.store_with_owner(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    assist.start(current_user, store)
    db.session.commit()
    flash(_("Anda membantu toko %(store)s. Setiap tindakan dicatat atas nama Anda.", store=store.name), "info")
    return redirect(url_for("stores.store_dashboard", slug=slug))


# --- featured vendors -------------------------------------------------------------


def _render_featured(form=None, status: int = 200):
    featured = expo_queries.featured_stores()
    chosen = {s.id for s in featured}
    form = form or FeaturedAddForm(formdata=None)
    form.store.choices = [("", _("— Pilih toko —"))] + [
        (s.slug, s.name) for s in services.approved_stores() if s.id not in chosen
    ]
    return render_template(
        "agency/featured.html", featured=featured, form=form, action=ActionForm(formdata=None)
    ), status


@bp.get("/featured")
def featured():
    """The featured vendors of the home page, in order, with buttons to move and remove them."""
    return _render_featured()


@bp.post("/featured/<any(add, remove, up, down):action>")
def change_featured(action: str):
    """Add a store at the end, remove one, or move one up or down."""
    form = FeaturedAddForm()
    slug = form.store.data if action == "add" else request.form.get("store", "")
    if not form.validate_on_submit():
        return _render_featured(form, 422)
    try:
        services.change_featured(current_user, action, slug or "")
        db.session.commit()
    except ServiceError as exc:
        status = failed(form, exc)
        return _render_featured(form, status)
    flash(_featured_done(action), "success")
    return redirect(url_for(".featured"))


def _featured_done(action: str) -> str:
    if action == "add":
        return _("Toko ditambahkan ke toko unggulan.")
    if action == "remove":
        return _("Toko dikeluarkan dari toko unggulan.")
    return _("Urutan toko unggulan diubah.")


# --- the commission -----------------------------------------------------------------


@bp.route("/commission", methods=["GET", "POST"])
def commission():
    """The marketplace commission (0 % allowed), taken from each completed order in the ledger,
    and the one on government orders (0 % allowed; left as it is when the field is empty)."""
    form = CommissionForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            bps, gov_bps = gov_commission.set_commissions(
                current_user, form.percent.data, form.gov_percent.data or None
            )
            db.session.commit()
        except ServiceError as exc:
            status = failed(form, exc)
        else:
            flash(
                _(
                    "Komisi marketplace sekarang %(p)s; komisi pesanan instansi %(g)s.",
                    p=site_settings.percent_label(bps),
                    g=site_settings.percent_label(gov_bps),
                ),
                "success",
            )
            return redirect(url_for(".commission"))
    if request.method == "GET":
        form.percent.data = site_settings.percent_label(site_settings.get_commission_bps()).removesuffix(" %")
        form.gov_percent.data = site_settings.percent_label(site_settings.get_gov_commission_bps()).removesuffix(" %")
    return render_template(
        "agency/commission.html",
        form=form,
        current=site_settings.percent_label(site_settings.get_commission_bps()),
        current_gov=site_settings.percent_label(site_settings.get_gov_commission_bps()),
    ), status


# --- the audit log --------------------------------------------------------------------


@bp.get("/audit")
def audit_log():
    """Who did what, newest first (50 a page)."""
    page = page_arg()
    rows, total = queries.audit_page(page, PER_PAGE)
    return render_template(
        "agency/audit.html", rows=rows, total=total, page=page, per_page=PER_PAGE, subjects=_audit_subjects(rows)
    )
