"""The administrator's side of the numbering inventory (Django admin): the plan — loaded from CSV through the upload
page (numbering.actions.load_plan, as ``manage.py load_numbering_plan`` does) —, the allocations and assignments
(read only: orders change them), the reclamation period, the flagged blocks with their "draft the withdrawal"
action."""
from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from numbering import actions
from numbering.models import Allocation, Assignment, PlanPart, Reclamation, ReclamationPolicy, UtilisationReport


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlanUpload(forms.Form):
    file = forms.FileField(label=_("The plan's CSV file"))


@admin.register(PlanPart)
class PlanPartAdmin(ReadOnly):
    list_display = ("code", "resource_type", "first", "last", "block_sizes", "allocatable", "name_en", "note")
    list_filter = ("resource_type", "allocatable")
    search_fields = ("code", "name_en", "name_ru", "name_kk", "first")
    change_list_template = "admin/numbering/planpart/change_list.html"

    def get_urls(self):
        return [path("upload/", self.admin_site.admin_view(self.upload), name="numbering_planpart_upload"),
                *super().get_urls()]

    def upload(self, request):
        form = PlanUpload(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8")
                counts = actions.load_plan(text, actor=request.user)
            except UnicodeDecodeError:
                messages.error(request, _("The file is not UTF-8 text."))
            except DomainError as err:
                messages.error(request, err.message)
            else:
                messages.success(request, _("Numbering plan loaded: %(added)d parts added, %(updated)d updated.")
                                 % counts)
                return redirect("admin:numbering_planpart_changelist")
        return render(request, "admin/numbering/planpart/upload.html",
                      {**self.admin_site.each_context(request), "form": form, "title": _("Load the numbering plan"),
                       "opts": self.model._meta})


@admin.register(Allocation)
class AllocationAdmin(ReadOnly):
    list_display = ("resource_type", "first", "last", "holder", "order_number", "status", "allocated_at", "ended_by")
    list_filter = ("status", "resource_type")
    search_fields = ("order_number", "holder__bin", "holder__name")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnly):
    list_display = ("number", "holder", "order_number", "status", "assigned_at", "ended_by")
    list_filter = ("status",)
    search_fields = ("number", "order_number", "holder__bin")


@admin.register(UtilisationReport)
class UtilisationReportAdmin(ReadOnly):
    list_display = ("holder", "year", "half", "filed_at")


@admin.register(ReclamationPolicy)
class ReclamationPolicyAdmin(admin.ModelAdmin):
    list_display = ("months_unused", "updated_at")

    def has_add_permission(self, request):
        return not ReclamationPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        actions.set_policy(months_unused=obj.months_unused, actor=request.user)  # audited, as every change


@admin.register(Reclamation)
class ReclamationAdmin(ReadOnly):
    list_display = ("allocation", "flagged_at", "months_unused", "status", "application")
    list_filter = ("status",)
    actions = ["flag", "draft"]

    @admin.action(description=_("Flag the blocks not in service past the period"))
    def flag(self, request, queryset):
        flagged = actions.flag_unused(actor=request.user)
        messages.success(request, _("%(n)d blocks flagged.") % {"n": len(flagged)})

    @admin.action(description=_("Draft the withdrawal requests"))
    def draft(self, request, queryset):
        for reclamation in queryset.filter(status=Reclamation.Status.FLAGGED):
            try:
                actions.draft_withdrawal(reclamation.pk, actor=request.user)
            except DomainError as err:
                messages.error(request, err.message)
