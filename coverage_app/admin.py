from django.contrib import admin

from coverage_app.models import (
    CoveragePolicy,
    Criterion,
    Determination,
    LetterWording,
    PolicyRevision,
    PolicyVersion,
    Review,
    ReviewerProfile,
)


class PolicyRevisionInline(admin.TabularInline):
    model = PolicyRevision
    extra = 0


@admin.register(CoveragePolicy)
class CoveragePolicyAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "effective_date", "next_review_date"]
    search_fields = ["number", "title"]
    inlines = [PolicyRevisionInline]


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["policy", "effective_date", "created_at"]
    list_select_related = ["policy"]
    list_filter = ["policy"]
    inlines = [CriterionInline]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["case_number", "member_id", "service", "status", "urgency", "due_at", "assigned_to"]
    list_select_related = ["assigned_to"]
    list_filter = ["status", "service", "urgency", "line_of_business"]
    search_fields = ["case_number", "member_id", "member_name"]
    raw_id_fields = ["assigned_to", "policy_version"]


@admin.register(LetterWording)
class LetterWordingAdmin(admin.ModelAdmin):
    list_display = ["kind", "effective_date", "created_at"]
    list_filter = ["kind"]
    search_fields = ["text"]


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "credentials"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "credentials"]


@admin.register(Determination)
class DeterminationAdmin(admin.ModelAdmin):
    """Issued determinations are read-only everywhere; corrections are issued from the review."""

    list_display = ["reference_number", "review", "outcome", "decided_at", "decider_name"]
    list_select_related = ["review"]
    list_filter = ["outcome"]
    search_fields = ["reference_number", "review__case_number", "review__member_id"]
    exclude = ["letter_pdf", "letter_html"]
    raw_id_fields = ["review", "decided_by", "policy_version", "supersedes"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
