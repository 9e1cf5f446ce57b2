from django.contrib import admin

from coverage_app.models import CoveragePolicy, Criterion, PolicyRevision, PolicyVersion, Review


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
