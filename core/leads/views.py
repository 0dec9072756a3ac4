"""Lead conversion in the web UI: a form that shows what converting the lead will create
(contact, company, deal) and the likely duplicates to link instead, then one call to
``convert_lead``, which writes all of it or nothing."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.leads.models import CONVERTED
from core.leads.services import DuplicatesFound, convert_lead, find_duplicates
from core.objects.records import get_record
from saas.errors import Conflict, Forbidden, NotFound, UserError
from saas.i18n import _
from saas.web import member_required

bp = Blueprint("leads", __name__, template_folder="templates")

NEW = "new"


def converted_panel(record) -> dict | None:
    """The notice of a converted lead's record page (register_record_panels): links to the
    contact, company and deal it became."""
    if record.status != CONVERTED:
        return None
    became = [
        ("contacts", "Contact", record.converted_contact_id),
        ("companies", "Company", record.converted_company_id),
        ("deals", "Deal", record.converted_deal_id),
    ]
    return {
        "links": [
            (label, url_for("records.show", object_name=name, record_id=record_id))
            for name, label, record_id in became
            if record_id
        ]
    }


def convert_url(record, rights: dict) -> str | None:
    """The Convert button of a lead's record page (register_record_actions), for a lead
    not yet converted and a user who may change it."""
    if record.status == CONVERTED or not rights["update"]:
        return None
    return url_for("leads.convert", record_id=record.id)


def _default_deal_name(lead) -> str:
    return lead.company_name or lead.full_name or ""


def _form_page(lead, *, values: dict, error: UserError | None = None, status: int = 200):
    duplicates, _ = find_duplicates(lead, actor=current_user, new_contact=True, new_company=True)
    if error is not None and isinstance(error, DuplicatesFound):
        duplicates = error.duplicates
    contacts, companies = duplicates["contacts"], duplicates["companies"]
    values = {
        "contact": contacts[0]["id"] if contacts else NEW,
        "company": companies[0]["id"] if companies else NEW,
        "create_deal": True,
        "deal_name": _default_deal_name(lead),
    } | values
    return render_template(
        "leads/convert.html",
        lead=lead,
        duplicates=duplicates,
        values=values,
        error=error,
        errors=(error.errors if error else {}) or {},
    ), status


@bp.route("/o/leads/<record_id>/convert", methods=["GET", "POST"])
@member_required
def convert(record_id: str):
    lead = get_record("leads", record_id, actor=current_user, action="update")
    if lead.status == CONVERTED:
        raise Conflict("This lead is already converted.")
    if request.method == "GET":
        return _form_page(lead, values={})
    values = {
        "contact": request.form.get("contact", NEW),
        "company": request.form.get("company", NEW),
        "create_deal": bool(request.form.get("create_deal")),
        "deal_name": request.form.get("deal_name", "").strip(),
    }
    try:
        result = convert_lead(
            lead.id,
            actor=current_user,
            contact_id=None if values["contact"] == NEW else values["contact"],
            company_id=None if values["company"] in (NEW, "") else values["company"],
            create_deal=values["create_deal"],
            deal_name=values["deal_name"] or None,
            # The form showed the duplicates it knew of; creating anyway is then a choice.
            allow_duplicates=request.form.get("duplicates_shown") == "1",
        )
    except UserError as error:
        if isinstance(error, Forbidden | NotFound):
            raise
        return _form_page(lead, values=values, error=error, status=error.status)
    created = [_("a contact")] + ([_("a company")] if result.company_id else [])
    created += [_("a deal")] if result.deal_id else []
    flash(
        _(
            "%(lead)s is converted: %(records)s.",
            lead=lead.full_name,
            records=_(", ").join(created),
        ),
        "success",
    )
    if result.deal_id:
        return redirect(url_for("records.show", object_name="deals", record_id=result.deal_id), 303)
    return redirect(
        url_for("records.show", object_name="contacts", record_id=result.contact_id), 303
    )
