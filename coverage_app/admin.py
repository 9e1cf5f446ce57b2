"""The admin site: policy staff's workplace for the policy, its versions and the letter wording,
and a read-only window on reviews, determinations and who looked at them."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from coverage_app import policy_versions, services
from coverage_app.lib import rules, taglines
from coverage_app.lib.usdates import long_date
from coverage_app.models import (
    AccessLog,
    ApiClient,
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


def on_history_page(request) -> bool:
    """django-simple-history's page of one past version."""
    match = request.resolver_match
    return bool(match is not None and match.url_name and match.url_name.endswith("_simple_history"))


class VersionStatusFilter(admin.SimpleListFilter):
    """Draft, scheduled, in effect or superseded; the admin's queryset carries `current_date`."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(s, s.capitalize()) for s in policy_versions.STATUSES]

    def queryset(self, request, queryset):
        value = self.value()
        if value == policy_versions.DRAFT:
            return queryset.filter(effective_date__isnull=True)
        if value == policy_versions.SCHEDULED:
            return queryset.filter(effective_date__gt=timezone.localdate())
        if value == policy_versions.IN_EFFECT:
            return queryset.filter(effective_date=F("current_date"))
        if value == policy_versions.SUPERSEDED:
            return queryset.filter(effective_date__lt=F("current_date"))
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
        if on_history_page(request):
            # Every field as text, as Django's change page shows it to a user who may only view.
            return [f.name for f in self.model._meta.get_fields() if f.concrete and f.editable]
        return super().get_readonly_fields(request, obj)


class VersionedAdmin(HistoryAdmin):
    """Policy versions and letter wording. A new version is a draft, edited freely and used by
    nothing; policy staff publish it with an effective date, after a page showing what changed.
    Published versions are superseded, never edited: "New version from this" copies one into a
    draft. Subclasses name their rules from policy_versions."""

    actions = ["new_version_from_this"]
    change_form_template = "admin/coverage_app/version_change_form.html"
    # Each subclass sets these from policy_versions (no silent defaults: a missing one fails loudly).
    same: str  # the field the versions of one thing share: a policy version's policy, a wording's kind
    locked_reason: Callable  # (obj) -> why it can no longer be edited, or None
    copy: Callable  # (obj) -> a new draft from it
    predecessor: Callable  # (draft) -> the published version it would follow
    changes: Callable  # (draft, old) -> policy_versions.Change list
    publish: Callable  # a method: (obj, effective_date, user) -> the published version

    def get_queryset(self, request):
        current = policy_versions.in_effect_date_subquery(self.model, self.same, timezone.localdate())
        return super().get_queryset(request).annotate(current_date=current)

    @admin.display(description="Status")
    def status(self, obj):
        return policy_versions.version_status(obj.effective_date, obj.current_date, timezone.localdate()).capitalize()

    def has_change_permission(self, request, obj=None):
        if obj is not None and self.locked_reason(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(request, obj)

    def _url(self, what, pk):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{what}", args=[pk])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "locked_reason": self.locked_reason(obj) if obj else None,
            "may_publish": policy_versions.may_publish(request.user),
            "copy_url": self._url("copy", obj.pk) if obj else "",
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        if "_publish" in request.POST:  # "Save and publish…": saved; now the date and the changes
            return redirect(self._url("publish", obj.pk))
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_publish" in request.POST:
            return redirect(self._url("publish", obj.pk))
        return super().response_add(request, obj, post_url_continue)

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            path("<int:object_id>/copy/", self.admin_site.admin_view(self.copy_view), name=f"{name}_copy"),
            path("<int:object_id>/publish/", self.admin_site.admin_view(self.publish_view), name=f"{name}_publish"),
            *super().get_urls(),
        ]

    def copy_and_open(self, request, obj):
        new = self.copy(obj)
        messages.success(request, "New draft made from this version: edit it, then publish it with its effective date.")
        return redirect(self._url("change", new.pk))

    @admin.action(description="New version from this", permissions=["add"])
    def new_version_from_this(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one version to copy.", messages.ERROR)
            return None
        return self.copy_and_open(request, queryset.get())

    def copy_view(self, request, object_id):
        if request.method != "POST" or not self.has_add_permission(request):
            return redirect(self._url("change", object_id))
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, str(object_id))
        return self.copy_and_open(request, obj)

    def publish_view(self, request, object_id):
        """Step 1 asks the date; step 2 shows the changes beside the version it follows and asks to
        confirm; only the confirming POST publishes (the service checks the date and the role)."""
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, str(object_id))
        if not policy_versions.may_publish(request.user):
            raise PermissionDenied("Only policy staff publish a version.")
        if not obj.is_draft:
            messages.info(request, f"This version is already published, effective {long_date(obj.effective_date)}.")
            return redirect(self._url("change", obj.pk))
        predecessor = self.predecessor(obj)
        form = PublishForm(request.POST if request.method == "POST" else None, predecessor=predecessor)
        confirming = False
        if form.is_valid():
            if "confirm" in request.POST:
                try:
                    published = self.publish(obj, form.cleaned_data["effective_date"], request.user)
                except ValidationError as e:
                    form.add_error(None, e)
                else:
                    messages.success(
                        request, f"Published: this version is scheduled to take effect on "
                        f"{long_date(published.effective_date)}."
                    )
                    return redirect(self._url("change", obj.pk))
            else:
                confirming = True
        changes = self.changes(obj, predecessor) if confirming else []
        ctx = {
            **self.admin_site.each_context(request),
            "title": f"Publish {obj}",
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "confirming": confirming,
            "predecessor": predecessor,
            "predecessor_status": policy_versions.version_status(
                predecessor.effective_date, predecessor.effective_date, timezone.localdate()
            ) if predecessor else "",
            "changed": [c for c in changes if c.changed],
            "unchanged": [c for c in changes if not c.changed],
            "change_url": self._url("change", obj.pk),
        }
        return TemplateResponse(request, "admin/coverage_app/publish.html", ctx)


class PublishForm(forms.Form):
    effective_date = forms.DateField(
        label="Effective date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The first day reviews and letters use this version: tomorrow or later.",
    )

    def __init__(self, *args, predecessor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.predecessor = predecessor

    def clean_effective_date(self):
        value = self.cleaned_data["effective_date"]
        try:
            policy_versions.check_effective_date(value, self.predecessor)
        except ValidationError as e:
            raise ValidationError(e.message_dict["effective_date"]) from e
        return value


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


class StatementRowsWidget(forms.Widget):
    """One text box per coverage statement and a blank one to add another: staff never edit the
    JSON list the statements are kept in."""

    template_name = "admin/coverage_app/widgets/statement_rows.html"

    def format_value(self, value):
        return [text for text in (value or []) if isinstance(text, str) and text.strip()]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        first = context["widget"]["attrs"].get("id") or f"id_{name}"
        statements = context["widget"]["value"]
        context["widget"]["rows"] = [
            {
                "id": first if i == 0 else f"{first}_{i}",
                "text": text,
                "label": f"Coverage statement {i + 1}" if i < len(statements) else "A new coverage statement",
            }
            for i, text in enumerate([*statements, ""])
        ]
        return context

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)


class StatementRowsField(forms.Field):
    widget = StatementRowsWidget
    default_error_messages = {"required": "Give at least one coverage statement."}

    def to_python(self, value):
        if isinstance(value, str):
            value = [value]
        return [text.strip() for text in (value or []) if isinstance(text, str) and text.strip()]


class CriterionForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # A copied criterion keeps its code: staff reword it; swapping codes would mix up the rules.
            self.fields["code"].disabled = True

    def clean(self):
        cleaned = super().clean()
        # The service follows from the criterion, so the two can never disagree.
        if cleaned.get("code") in Criterion.SERVICE_OF:
            self.instance.service = Criterion.SERVICE_OF[cleaned["code"]]
        return cleaned


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
    form = CriterionForm
    formset = CriteriaFormSet
    fields = ["code", "statement", "policy_words", "position"]
    extra = 0

    def _locked(self, obj):
        return obj is not None and policy_versions.version_locked_reason(obj) is not None

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class PolicyVersionForm(forms.ModelForm):
    coverage_statements = StatementRowsField(
        label="Coverage statements",
        help_text="The Coverage Policy section, one statement per box. To remove a statement, clear "
        "its box; save to get another blank box.",
    )

    class Meta:
        model = PolicyVersion
        fields = ["policy", "coverage_statements", "background"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(VersionedAdmin):
    form = PolicyVersionForm
    same = "policy"
    locked_reason = staticmethod(policy_versions.version_locked_reason)
    copy = staticmethod(policy_versions.policy_version_copy)
    predecessor = staticmethod(policy_versions.policy_version_predecessor)
    changes = staticmethod(policy_versions.policy_version_changes)
    list_display = ["__str__", "effective_date", "status", "created_at"]
    list_select_related = ["policy"]
    list_filter = [VersionStatusFilter, "policy"]
    search_fields = ["policy__number", "policy__title", "background", "criteria__statement"]
    inlines = [CriterionInline]

    def publish(self, obj, effective_date, user):
        return policy_versions.policy_version_publish(version=obj, effective_date=effective_date, user=user)

    def _read_only(self, request, obj) -> bool:
        return obj is not None and (on_history_page(request) or not self.has_change_permission(request, obj))

    def get_fields(self, request, obj=None):
        if self._read_only(request, obj):
            return ["policy", "effective_date", "coverage_statement_list", "background"]
        if obj is not None:
            return ["policy", "coverage_statements", "background"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("policy")  # a draft stays with the policy it was copied from
        if self._read_only(request, obj):
            fields = [f for f in fields if f != "coverage_statements"] + ["coverage_statement_list"]
        return fields

    @admin.display(description="Coverage statements")
    def coverage_statement_list(self, obj):
        return format_html("<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((s,) for s in obj.coverage_statements)))


# --- Letter wording ------------------------------------------------------------------------------


class LetterWordingForm(forms.ModelForm):
    class Meta:
        model = LetterWording
        fields = ["kind", "text"]


@admin.register(LetterWording)
class LetterWordingAdmin(VersionedAdmin):
    form = LetterWordingForm
    same = "kind"
    locked_reason = staticmethod(policy_versions.wording_locked_reason)
    copy = staticmethod(policy_versions.letter_wording_copy)
    predecessor = staticmethod(policy_versions.letter_wording_predecessor)
    changes = staticmethod(policy_versions.letter_wording_changes)
    list_display = ["kind", "effective_date", "status", "created_at"]
    list_filter = [VersionStatusFilter, "kind"]
    search_fields = ["text"]

    def publish(self, obj, effective_date, user):
        return policy_versions.letter_wording_publish(wording=obj, effective_date=effective_date, user=user)

    def get_fields(self, request, obj=None):
        if obj is not None and obj.effective_date is not None:
            return ["kind", "effective_date", "text"]
        return ["kind", "text"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # A copy keeps its kind; only a new paragraph chooses one.
        return [*fields, "kind"] if obj is not None and "kind" not in fields else fields


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
    list_display = ["at", "who", "case_number", "member_id", "kind", "path"]
    list_select_related = ["user", "api_client", "review"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    date_hierarchy = "at"
    search_fields = ["user__username", "user__last_name", "api_client__name", "review__member_id", "review__case_number"]
    raw_id_fields = ["user", "review", "determination"]

    @admin.display(description="Who")
    def who(self, obj):
        return obj.user or f"{obj.api_client} (FHIR API)"

    @admin.display(description="Case", ordering="review__case_number")
    def case_number(self, obj):
        return obj.review.case_number if obj.review else ""

    @admin.display(description="Member ID", ordering="review__member_id")
    def member_id(self, obj):
        return obj.review.member_id if obj.review else ""


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


@admin.register(ApiClient)
class ApiClientAdmin(HistoryAdmin):
    """The FHIR API's clients: made by `manage.py create_api_client` (which prints the token
    once), seen and revoked here. Never deleted: the access log names them."""

    list_display = ["name", "created_at", "revoked_at"]
    readonly_fields = ["name", "created_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected clients' tokens", permissions=["change"])
    def revoke(self, request, queryset):
        for client in queryset:
            services.api_client_revoke(client=client)
        self.message_user(request, f"Revoked {queryset.count()} client(s): their tokens no longer work.")
