"""The administrator's pages in the back office: users and roles (a new staff member included), the working-day calendar's overrides,
the fees, the trust store (roots and CRLs for the EDS checks)."""
from __future__ import annotations

import datetime

from cryptography import x509
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import accounts.actions
import integrations.actions
import integrations.trust
import services.actions
import workdays.actions
from accounts.models import User
from backoffice.views.access import OFFICE_LANES, admin_required
from core.errors import DomainError
from services import registry
from services.forms import IntegerField
from services.models import Fee, PaymentTerm, ProviderUnit
from workdays.models import WorkingDayOverride

ROLE_NAMES = {**OFFICE_LANES, "psc": gettext_lazy("PSC operator")}


@admin_required
def home(request):
    return render(request, "backoffice/admin/home.html", {"section": "admin"})


# -- users and roles ---------------------------------------------------------------------------------
class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        from portal.labels import localized

        return localized(obj, "name")


class UserRolesForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=User.Kind.choices)
    provider_unit = UnitField(label=gettext_lazy("provider unit"), queryset=ProviderUnit.objects.order_by("id"),
                                           required=False)
    roles = forms.MultipleChoiceField(label=gettext_lazy("roles"), required=False, widget=forms.CheckboxSelectMultiple,
                                      choices=list(ROLE_NAMES.items()))
    is_active = forms.BooleanField(label=gettext_lazy("active"), required=False)


class StaffMemberForm(forms.Form):
    """A new staff member (accounts.actions.create_staff_member holds the rules)."""
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=[
        (k.value, k.label) for k in (User.Kind.OFFICER, User.Kind.PSC_OPERATOR, User.Kind.ADMINISTRATOR)])
    username = forms.CharField(label=gettext_lazy("Login"), max_length=150)
    iin = forms.CharField(label=gettext_lazy("IIN (the one their EDS names)"), max_length=12, min_length=12)
    last_name = forms.CharField(label=gettext_lazy("Surname"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    patronymic = forms.CharField(label=gettext_lazy("Patronymic"), max_length=150, required=False)
    position_kk = forms.CharField(label=gettext_lazy("Position (Kazakh)"), max_length=300, required=False)
    position_ru = forms.CharField(label=gettext_lazy("Position (Russian)"), max_length=300, required=False)
    provider_unit = UnitField(label=gettext_lazy("provider unit"), queryset=ProviderUnit.objects.order_by("id"),
                              required=False)
    roles = forms.MultipleChoiceField(label=gettext_lazy("roles"), required=False, widget=forms.CheckboxSelectMultiple,
                                      choices=list(OFFICE_LANES.items()))
    password1 = forms.CharField(label=gettext_lazy("Initial password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=gettext_lazy("The password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ: type the same password twice."))
        return data


@admin_required
def user_new(request):
    """The administrator makes a staff member; an officer then logs in with the password and chooses their own
    EDS (the IIN given here) on the certificate page."""
    form = StaffMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = accounts.actions.create_staff_member(
                actor=request.user, request=request, password=data["password1"],
                **{name: data[name] for name in ("username", "kind", "iin", "last_name", "first_name", "patronymic",
                                                 "position_kk", "position_ru", "provider_unit", "roles")})
        except DomainError as refused:
            field = refused.details.get("field")
            form.add_error(field if field in form.fields else None, str(refused.message))
        else:
            messages.success(request, _("The staff member %(name)s was created.") % {"name": member.username})
            return redirect("backoffice:admin-user", member.pk)
    return render(request, "backoffice/admin/user_new.html", {"form": form, "section": "admin"})


@admin_required
def users(request):
    q = request.GET.get("q", "").strip()
    qs = User.objects.exclude(kind=User.Kind.APPLICANT).select_related("provider_unit").prefetch_related("groups")
    if request.GET.get("applicants"):
        qs = User.objects.select_related("provider_unit").prefetch_related("groups")
    if q:
        qs = qs.filter(username__icontains=q) | qs.filter(last_name__icontains=q) | qs.filter(iin__startswith=q)
    rows = [{"u": u, "kind": u.get_kind_display(),
             "roles": [str(ROLE_NAMES.get(g.name, g.name)) for g in u.groups.all()]}
            for u in qs.order_by("kind", "username")[:300]]
    return render(request, "backoffice/admin/users.html", {"rows": rows, "q": q, "section": "admin"})


@admin_required
def user_edit(request, user_id):
    person = get_object_or_404(User, pk=user_id)
    initial = {"kind": person.kind, "provider_unit": person.provider_unit, "is_active": person.is_active,
               "roles": list(person.groups.values_list("name", flat=True))}
    form = UserRolesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.actions.update_user(user=person, actor=request.user, kind=form.cleaned_data["kind"],
                                         provider_unit=form.cleaned_data["provider_unit"],
                                         is_active=form.cleaned_data["is_active"], roles=form.cleaned_data["roles"])
        except accounts.actions.CannotDeactivateSelf as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, _("The user's roles were saved."))
            return redirect("backoffice:admin-users")
    return render(request, "backoffice/admin/user.html", {"person": person, "form": form, "section": "admin"})


# -- working-day calendar overrides ------------------------------------------------------------------
class OverrideForm(forms.ModelForm):
    class Meta:
        model = WorkingDayOverride
        fields = ["date", "is_working_day", "reason_kk", "reason_ru", "reason_en"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


@admin_required
def calendar(request):
    form = OverrideForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("delete"):
            workdays.actions.delete_override(override_id=request.POST["delete"], actor=request.user)
            messages.success(request, _("The override was removed."))
            return redirect("backoffice:admin-calendar")
        if form.is_valid():
            workdays.actions.save_override(**{name: form.cleaned_data[name] for name in OverrideForm.Meta.fields},
                                           actor=request.user)
            messages.success(request, _("The override was saved; deadlines computed from now on follow it."))
            return redirect("backoffice:admin-calendar")
    today = timezone.localdate()
    overrides = WorkingDayOverride.objects.filter(date__gte=today - datetime.timedelta(days=366))
    return render(request, "backoffice/admin/calendar.html", {"form": form, "overrides": overrides, "section": "admin"})


# -- fees ------------------------------------------------------------------------------------------------
def _sub_kind_choices():
    return [(f"{s.code}:{k}", f"{s.code} — {v}") for s in registry.all_services() if s.paid
            for k, v in s.sub_kind_labels().items()]


def _sub_kind_label(service_code: str, sub_kind: str):
    service = registry.find(service_code)
    return service.sub_kind_label(sub_kind) if service else sub_kind


class FeeForm(forms.Form):
    service_kind = forms.ChoiceField(label=gettext_lazy("Service and sub-kind"), choices=_sub_kind_choices)
    amount_kzt = IntegerField(label=gettext_lazy("Amount, tenge"), min_value=0)  # "21 625" as well as "21625"
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=gettext_lazy("Valid to (empty: open-ended)"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("valid_to") and data.get("valid_from") and data["valid_to"] < data["valid_from"]:
            raise forms.ValidationError(_("The end of validity is before its start."))
        return data


@admin_required
def fees(request):
    form = FeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service, _sep, sub_kind = form.cleaned_data["service_kind"].partition(":")
        services.actions.add_fee(service=service, sub_kind=sub_kind, amount_kzt=form.cleaned_data["amount_kzt"],
                                 valid_from=form.cleaned_data["valid_from"], valid_to=form.cleaned_data["valid_to"],
                                 actor=request.user)
        messages.success(request, _("The fee was saved."))
        return redirect("backoffice:admin-fees")
    rows = [{"fee": f, "sub_kind": _sub_kind_label(f.service, f.sub_kind)} for f in Fee.objects.all()]
    return render(request, "backoffice/admin/fees.html", {"form": form, "rows": rows, "section": "admin",
                                                          "term_form": PaymentTermForm(), "terms": _payment_terms()})


class PaymentTermForm(forms.Form):
    service = forms.ChoiceField(label=gettext_lazy("Service"), choices=lambda: [
        (s.code, f"{s.code} — {s.title}") for s in registry.all_services() if s.paid])
    days = forms.IntegerField(label=gettext_lazy("Days to pay (calendar days from the request for payment)"),
                              min_value=1, max_value=365)
    notice_days = forms.IntegerField(label=gettext_lazy("Remind the applicant this many days before the end"),
                                     min_value=0, max_value=364)

    def clean(self):
        data = super().clean()
        if data.get("days") is not None and data.get("notice_days") is not None and data["notice_days"] >= data["days"]:
            raise forms.ValidationError(_("The reminder must come before the term ends."))
        return data


def _payment_terms() -> list[dict]:
    return [{"service": s, "days": PaymentTerm.of(s.code)[0], "notice_days": PaymentTerm.of(s.code)[1],
             "set": PaymentTerm.objects.filter(service=s.code, is_demo_value=False).exists()}
            for s in registry.all_services() if s.paid]


@admin_required
def payment_terms(request):
    """The term for paying a paid service's fee before the request is refused for non-payment (POST only)."""
    form = PaymentTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.actions.set_payment_term(service=form.cleaned_data["service"], days=form.cleaned_data["days"],
                                          notice_days=form.cleaned_data["notice_days"], actor=request.user)
        messages.success(request, _("The term for paying was saved; it applies to the requests waiting now."))
        return redirect("backoffice:admin-fees")
    rows = [{"fee": f, "sub_kind": _sub_kind_label(f.service, f.sub_kind)} for f in Fee.objects.all()]
    return render(request, "backoffice/admin/fees.html", {
        "form": FeeForm(), "term_form": form, "terms": _payment_terms(), "rows": rows, "section": "admin"})


@admin_required
def fee_edit(request, fee_id):
    fee = get_object_or_404(Fee, pk=fee_id)
    form = FeeForm(request.POST or None, initial={"service_kind": f"{fee.service}:{fee.sub_kind}",
                                                  "amount_kzt": fee.amount_kzt, "valid_from": fee.valid_from,
                                                  "valid_to": fee.valid_to})
    if request.method == "POST" and form.is_valid():
        service, _sep, sub_kind = form.cleaned_data["service_kind"].partition(":")
        services.actions.edit_fee(fee=fee, service=service, sub_kind=sub_kind,
                                  amount_kzt=form.cleaned_data["amount_kzt"],
                                  valid_from=form.cleaned_data["valid_from"], valid_to=form.cleaned_data["valid_to"],
                                  actor=request.user)
        messages.success(request, _("The fee was saved."))
        return redirect("backoffice:admin-fees")
    return render(request, "backoffice/admin/fee.html", {"form": form, "fee": fee, "section": "admin"})


# -- the trust store -------------------------------------------------------------------------------------
def _pem_blocks(data: bytes, marker: bytes) -> list[bytes]:
    begin = b"-----BEGIN " + marker + b"-----"
    end = b"-----END " + marker + b"-----"
    blocks, rest = [], data
    while begin in rest:
        start = rest.index(begin)
        stop = rest.index(end, start) + len(end)
        blocks.append(rest[start:stop] + b"\n")
        rest = rest[stop:]
    return blocks


def _certificates_of(data: bytes) -> list[x509.Certificate]:
    return [x509.load_pem_x509_certificate(b) for b in _pem_blocks(data, b"CERTIFICATE")] or \
        [x509.load_der_x509_certificate(data)]


def _crls_of(data: bytes) -> list[x509.CertificateRevocationList]:
    return [x509.load_pem_x509_crl(b) for b in _pem_blocks(data, b"X509 CRL")] or [x509.load_der_x509_crl(data)]


def _origin(source: str) -> str:
    if source == "upload":
        return _("uploaded")
    if source.startswith("fetch:"):
        return _("fetched from %(url)s") % {"url": source[len("fetch:"):]}
    if source.startswith("import:"):
        return _("imported from a folder")
    return ""


def trust_entries() -> dict:
    """The trust store's items (integrations.trust: the database's, shared by every server), parsed for the page:
    each certificate's subject, issuer and validity, each CRL's issuer, this and next update."""
    now = timezone.now()
    roots, crls = [], []
    items = integrations.trust.entries()
    for item in [i for i in items if i["folder"] == "roots"] + [i for i in items if i["folder"] == "intermediates"]:
        try:
            certs = _certificates_of(item["content"])
        except ValueError:
            continue
        for c in certs:
            roots.append({"file": f"{item['folder']}/{item['name']}", "id": item["id"],
                          "subject": c.subject.rfc4514_string(), "issuer": c.issuer.rfc4514_string(),
                          "not_before": c.not_valid_before_utc, "not_after": c.not_valid_after_utc,
                          "valid": c.not_valid_before_utc <= now <= c.not_valid_after_utc,
                          "root": item["folder"] == "roots", "origin": _origin(item["source"])})
    for item in [i for i in items if i["folder"] == "crls"]:
        try:
            found = _crls_of(item["content"])
        except ValueError:
            continue
        for crl in found:
            crls.append({"file": item["name"], "id": item["id"], "issuer": crl.issuer.rfc4514_string(),
                         "this_update": crl.last_update_utc, "next_update": crl.next_update_utc,
                         "revoked": len(list(crl)), "origin": _origin(item["source"]),
                         "valid": crl.next_update_utc is not None and crl.next_update_utc >= now})
    return {"certificates": roots, "crls": crls}


class TrustUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What"), choices=[
        ("root", gettext_lazy("trusted root certificate")),
        ("intermediate", gettext_lazy("intermediate CA certificate")),
        ("crl", gettext_lazy("revocation list (CRL)"))])
    file = forms.FileField(label=gettext_lazy("File (PEM or DER)"))

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if not upload or not data.get("kind"):
            return data
        content = upload.read(integrations.actions.MAX_UPLOAD + 1)
        try:
            integrations.actions.check_trust_file(data["kind"], content)
        except integrations.actions.TrustFileRefused as exc:
            raise forms.ValidationError(exc.message) from None
        data["content"] = content
        return data


@admin_required
def trust(request):
    if request.method == "POST" and request.POST.get("remove"):
        if request.POST["remove"].isdigit():
            removed = integrations.actions.remove_trust_item(int(request.POST["remove"]), actor=request.user,
                                                             request=request)
            if removed:
                messages.success(request, _("Removed from the trust store: %(name)s.") % {"name": removed})
        return redirect("backoffice:admin-trust")
    form = TrustUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = integrations.actions.add_trust_item(kind=form.cleaned_data["kind"],
                                                        content=form.cleaned_data["content"], actor=request.user,
                                                        request=request)
        except integrations.actions.TrustFileRefused as exc:  # the store changed meanwhile (e.g. its root removed)
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Added to the trust store: %(name)s.") % {"name": added})
            return redirect("backoffice:admin-trust")
    return render(request, "backoffice/admin/trust.html", {"form": form, **trust_entries(), "section": "admin"})
