from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from coverage_app import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("policy_detail")


@login_required
def policy_detail(request: HttpRequest) -> HttpResponse:
    """Policy 0261 as reviewers apply it today: criteria in the policy's words, and its history."""
    policy = selectors.policy_with_history()
    if policy is None:
        raise Http404("Policy 0261 has not been loaded")
    today = timezone.localdate()
    try:
        version = selectors.policy_version_in_effect(today)
    except selectors.NoVersionInEffect:
        version = None
    ctx = {
        "policy": policy,
        "version": version,
        "today": today,
        "review_overdue": policy.next_review_date < today,
    }
    return render(request, "coverage_app/policy_detail.html", ctx)
