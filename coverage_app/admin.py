"""The admin site: policy staff's workplace for the policy, its versions and the letter wording,
and a read-only window on reviews, determinations and who looked at them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from coverage_app import policy_versions, services
from coverage_app.lib import rules, taglines
from coverage_app.models import (
    AccessLog,
    CoveragePolicy,
    Criterion,
    Determination,
    LetterWording,
    PlanSettings,
    PolicyRevision,
    PolicyVersion,
    Review,
    ReviewerProfile,
)


class FutureDateForm(forms.ModelForm):
    """New or edited versions take effect in the future: the past was judged by what stood then."""

    def clean_effective_date(self):
        value = self.cleaned_data["effective_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError(
                "A new or edited version must take effect after today; versions already in effect "
                "are superseded, never rewritten."
            )
        return value


class VersionStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(s, s.capitalize()) for s in (policy_versions.SCHEDULED, policy_versions.IN_EFFECT, policy_versions.SUPERSEDED)]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == policy_versions.SCHEDULED:
            return queryset.filter(effective_date__gt=today)
        if self.value() == policy_versions.IN_EFFECT:
            return queryset.filter(effective_date=policy_versions.in_effect_date_subquery(PolicyVersion, "policy", today))
        if self.value() == policy_versions.SUPERSEDED:
            return queryset.filter(effective_date__lt=policy_versions.in_effect_date_subquery(PolicyVersion, "policy", today))
        return queryset


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's pages, read-only for everyone.

    Its page of one past version is a change form whose POST saves: a finished review could be
    put back to "pending", an issued determination rewritten. Past versions are only shown; a
    change goes through the workflow's services or the change page, whatever the permissions.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("A past version is shown, never reverted or edited.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        match = request.resolver_match
        if match is not None and match.url_name and match.url_name.endswith("_simple_history"):
            # Every field as text, as Django's change page shows it to a user who may only view.
            return [f.name for f in self.model._meta.get_fields() if f.concrete and f.editable]
        return super().get_readonly_fields(request, obj)


class SupersedeOnlyAdmin(HistoryAdmin):
    """Versions that took effect (or were used) are superseded, never edited: "New version from
    this" copies one into a future-dated draft. Subclasses name the two rules from policy_versions."""

    actions = ["new_version_from_this"]
    locked_reason = staticmethod(lambda obj: None)
    copy = staticmethod(lambda obj: obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None and self.locked_reason(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(request, obj)

    def copy_and_open(self, request, obj):
        new = self.copy(obj)
        messages.success(
            request, f"New version drafted, effective {new.effective_date:%B %-d, %Y}: set its date and edit it."
        )
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", new.pk)

    @admin.action(description="New version from this", permissions=["add"])
    def new_version_from_this(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one version to copy.", messages.ERROR)
            return None
        return self.copy_and_open(request, queryset.get())


# --- Policies ------------------------------------------------------------------------------------


class PolicyRevisionInline(admin.TabularInline):
    model = PolicyRevision
    extra = 0
    readonly_fields = ["revision_type", "summary", "date"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # added by "mark reviewed", so the history can't be rewritten


class MarkReviewedForm(forms.Form):
    summary = forms.CharField(
        label="Summary of the review",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        initial="No clinical policy statement changes.",
    )


@admin.register(CoveragePolicy)
class CoveragePolicyAdmin(HistoryAdmin):
    list_display = ["number", "title", "effective_date", "next_review_date", "review_overdue"]
    search_fields = ["number", "title"]
    inlines = [PolicyRevisionInline]
    actions = ["mark_reviewed"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            # Reviews, letters and the app find the policy by its number: renaming 0261 would
            # orphan every version and decision judged under it (the database refuses it too).
            return ["number", *super().get_readonly_fields(request, obj)]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A policy with versions has judged, or will judge, requests: it is kept for the record.
        if obj is not None and obj.versions.exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(boolean=True, description="Review overdue")
    def review_overdue(self, obj):
        return obj.next_review_date < timezone.localdate()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "today": timezone.localdate()}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Mark reviewed (record the annual review)", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        form = MarkReviewedForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for policy in queryset:
                policy_versions.policy_mark_reviewed(policy, form.cleaned_data["summary"])
            self.message_user(request, f"Recorded the annual review of {queryset.count()} policy(ies).")
            return None
        ctx = {**self.admin_site.each_context(request), "form": form, "policies": queryset,
               "title": "Mark reviewed", "opts": self.model._meta}
        return render(request, "admin/coverage_app/mark_reviewed.html", ctx)


# --- Policy versions -----------------------------------------------------------------------------


class CriteriaFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        codes = [
            f.cleaned_data.get("code")
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        if sorted(c for c in codes if c) != sorted(rules.ALL_CRITERIA_IDS):
            raise forms.ValidationError(
                f"A version has exactly one of each criterion: {', '.join(rules.ALL_CRITERIA_IDS)}."
            )


class CriterionInline(admin.StackedInline):
    model = Criterion
    formset = CriteriaFormSet
    extra = 0

    def _locked(self, obj):
        return obj is not None and policy_versions.version_locked_reason(obj) is not None

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class PolicyVersionForm(FutureDateForm):
    class Meta:
        model = PolicyVersion
        fields = ["policy", "effective_date", "coverage_statements", "background"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SupersedeOnlyAdmin):
    form = PolicyVersionForm
    locked_reason = staticmethod(policy_versions.version_locked_reason)
    copy = staticmethod(policy_versions.policy_version_copy)
    list_display = ["__str__", "effective_date", "status", "created_at"]
    list_select_related = ["policy"]
    list_filter = [VersionStatusFilter, "policy"]
    search_fields = ["policy__number", "policy__title", "background", "criteria__statement"]
    inlines = [CriterionInline]
    change_form_template = "admin/coverage_app/version_change_form.html"

    def get_queryset(self, request):
        today = timezone.localdate()
        return (
            super().get_queryset(request)
            .annotate(current_date=policy_versions.in_effect_date_subquery(PolicyVersion, "policy", today))
        )

    @admin.display(description="Status")
    def status(self, obj):
        return policy_versions.version_status(obj.effective_date, obj.current_date, timezone.localdate())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        reason = policy_versions.version_locked_reason(version) if version else None
        extra_context = {**(extra_context or {}), "locked_reason": reason}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path("<int:object_id>/copy/", self.admin_site.admin_view(self.copy_view), name="coverage_app_policyversion_copy"),
            *super().get_urls(),
        ]

    def copy_view(self, request, object_id):
        if request.method != "POST" or not self.has_add_permission(request):
            return redirect("admin:coverage_app_policyversion_change", object_id)
        version = self.get_object(request, object_id)
        if version is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, str(object_id))
        return self.copy_and_open(request, version)


# --- Letter wording ------------------------------------------------------------------------------


class LetterWordingForm(FutureDateForm):
    class Meta:
        model = LetterWording
        fields = ["kind", "effective_date", "text"]


@admin.register(LetterWording)
class LetterWordingAdmin(SupersedeOnlyAdmin):
    form = LetterWordingForm
    locked_reason = staticmethod(policy_versions.wording_locked_reason)
    copy = staticmethod(policy_versions.letter_wording_copy)
    list_display = ["kind", "effective_date", "status", "created_at"]
    list_filter = ["kind"]
    search_fields = ["text"]

    def get_queryset(self, request):
        current = policy_versions.in_effect_date_subquery(LetterWording, "kind", timezone.localdate())
        return super().get_queryset(request).annotate(current_date=current)

    @admin.display(description="Status")
    def status(self, obj):
        return policy_versions.version_status(obj.effective_date, obj.current_date, timezone.localdate())



# --- Read-only records ---------------------------------------------------------------------------


class ReadOnlyMixin:
    """Records of what happened: visible in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberRecordAdmin(ReadOnlyMixin, HistoryAdmin):
    """A record of member data: every look at it, on its page or its history pages, is logged
    (each subclass's `log_look(request, obj)`) before the page is shown."""

    def _logged(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_view_permission(request, obj):
            self.log_look(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._logged(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._logged(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method in ("GET", "HEAD"):
            self._logged(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Review)
class ReviewAdmin(MemberRecordAdmin):
    list_display = ["case_number", "member_id", "service", "status", "urgency", "due_at", "assigned_to"]
    list_select_related = ["assigned_to"]
    list_filter = ["status", "service", "urgency", "line_of_business"]
    search_fields = ["case_number", "member_id", "member_name"]
    raw_id_fields = ["assigned_to", "submitted_by", "policy_version"]

    def log_look(self, request, obj) -> None:
        services.access_record(user=request.user, review=obj, kind=AccessLog.Kind.REVIEW, path=request.path)


@admin.register(Determination)
class DeterminationAdmin(MemberRecordAdmin):
    """Issued determinations never change; corrections are issued from the review."""

    list_display = ["reference_number", "review", "outcome", "decided_at", "decider_name"]
    list_select_related = ["review"]
    list_filter = ["outcome"]
    search_fields = ["reference_number", "review__case_number", "review__member_id"]
    raw_id_fields = ["review", "decided_by", "policy_version", "supersedes"]

    def log_look(self, request, obj) -> None:
        services.access_record(
            user=request.user, review=obj.review, determination=obj, kind=AccessLog.Kind.LETTER, path=request.path
        )


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "user", "case_number", "member_id", "kind", "path"]
    list_select_related = ["user", "review"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    date_hierarchy = "at"
    search_fields = ["user__username", "user__last_name", "review__member_id", "review__case_number"]
    raw_id_fields = ["user", "review", "determination"]

    @admin.display(description="Case", ordering="review__case_number")
    def case_number(self, obj):
        return obj.review.case_number

    @admin.display(description="Member ID", ordering="review__member_id")
    def member_id(self, obj):
        return obj.review.member_id


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    """Only an MD or DO with a license number and state on file issues a physician's
    determination (lib/decisions.py); the degree and specialty print on letters."""

    list_display = ["user", "degree", "specialty", "license_state", "license_number"]
    list_filter = ["degree", "license_state"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "specialty", "license_number"]


# --- Plan settings ---------------------------------------------------------------------------------


class PlanSettingsForm(forms.ModelForm):
    tagline_languages = forms.CharField(
        label="Tagline languages",
        help_text="Language codes, separated by commas, in the order letters print them. Known: "
        + ", ".join(f"{code} ({t.language})" for code, t in taglines.TAGLINES.items())
        + ". A state's list of the 15 languages most spoken by people with limited English: "
        + "; ".join(f"{state}: {', '.join(codes)}" for state, codes in taglines.STATE_LISTS.items()) + ".",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = PlanSettings
        fields = ["state", "member_services_phone", "member_services_tty", "tagline_languages", "authorization_valid_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and isinstance(self.instance.tagline_languages, list):
            self.initial["tagline_languages"] = ", ".join(self.instance.tagline_languages)

    def clean_tagline_languages(self):
        codes = [c.strip() for c in self.cleaned_data["tagline_languages"].replace("\n", ",").split(",") if c.strip()]
        unknown = [c for c in codes if c not in taglines.TAGLINES]
        if unknown:
            raise forms.ValidationError(f"No tagline for: {', '.join(unknown)}.")
        if len(set(codes)) != len(codes):
            raise forms.ValidationError("A language is listed twice.")
        if not codes:
            raise forms.ValidationError("List at least one language.")
        return codes


@admin.register(PlanSettings)
class PlanSettingsAdmin(HistoryAdmin):
    """One row, made by migration 0018: changed, never added or deleted. Letters keep the values
    they were issued with."""

    form = PlanSettingsForm
    list_display = ["__str__", "state", "member_services_phone", "authorization_valid_days"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
