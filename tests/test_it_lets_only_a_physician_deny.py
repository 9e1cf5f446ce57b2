"""Only a physician issues an adverse determination: an MD or DO with a license on file, who did not
send the case to physician review. Enforced in the service; the pages say why beforehand."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coverage_app import roles, services
from coverage_app.models import Determination, Review, ReviewerProfile
from tests.conftest import complete_answers
from tests.conftest import pdf_text

UPHOLD = {"decision": "uphold", "peer_to_peer": "offered", "rationale": "Autologous graft: no donor cells."}


def reviewer(django_user_model, username, *groups, **profile):
    user = django_user_model.objects.create_user(username, first_name=username.title(), last_name="Doe")
    for group in groups:
        user.groups.add(Group.objects.get(name=group))
    if profile:
        ReviewerProfile.objects.create(user=user, **profile)
    return user


def refer(nurse_review, user):
    complete_answers(nurse_review, transplant_type="autologous", same_donor=None)
    Review.objects.filter(pk=nurse_review.pk).update(assigned_to=user)
    nurse_review.refresh_from_db()
    services.review_finish(action="refer", review=nurse_review, user=user, criterion_notes={}, overall_note="",
                                       expected_revision=nurse_review.revision)
    nurse_review.refresh_from_db()
    return nurse_review


LICENSED = {"license_number": "12345", "license_state": "CT", "specialty": "Hematology"}


def test_a_nurse_in_the_director_group_cannot_uphold(client, django_user_model, nurse, nurse_review):
    # The reported hole: in both groups, credentials "RN", and the letter said a physician decided.
    rn = reviewer(django_user_model, "rn", roles.NURSE, roles.DIRECTOR, degree="RN", **LICENSED)
    review = refer(nurse_review, nurse)
    client.force_login(rn)
    url = reverse("review_decide", kwargs={"review_id": review.public_id})
    assert "Only a physician (MD or DO) may issue this determination" in client.get(url).content.decode()
    r = client.post(url, UPHOLD)
    assert "Only a physician (MD or DO) may issue this determination" in r.content.decode()
    with pytest.raises(services.ReviewStateError, match="Only a physician"):
        services.director_decide(review=review, user=rn, **UPHOLD)
    review.refresh_from_db()
    assert review.status == Review.Status.PENDING_PHYSICIAN_REVIEW and not Determination.objects.exists()


@pytest.mark.parametrize("profile, allowed", [
    ({"degree": "MD", **LICENSED}, True),
    ({"degree": "DO", **LICENSED}, True),
    ({"degree": "MD", **LICENSED, "license_number": ""}, False),
    ({"degree": "DO", **LICENSED, "license_state": ""}, False),
    ({"degree": "PharmD", **LICENSED}, False),
    ({"degree": "LPN", **LICENSED}, False),
    ({"degree": "other", **LICENSED}, False),
    ({}, False),
])
def test_only_an_md_or_do_with_a_license_on_file_decides(django_user_model, nurse, nurse_review, profile, allowed):
    director = reviewer(django_user_model, "doc", roles.DIRECTOR, **profile)
    review = refer(nurse_review, nurse)
    if allowed:
        d = services.director_decide(review=review, user=director, **UPHOLD)
        assert d.decider_credentials == f"{profile['degree']}, Hematology"
        assert f"Doc Doe, {profile['degree']}, Hematology" in pdf_text(bytes(d.letter.pdf))
    else:
        with pytest.raises(services.ReviewStateError, match="physician|license"):
            services.director_decide(review=review, user=director, **UPHOLD)
        # Overturning is a medical director's decision too.
        with pytest.raises(services.ReviewStateError, match="physician|license"):
            services.director_decide(review=review, user=director, **{**UPHOLD, "decision": "overturn"})


def test_the_physician_who_referred_a_case_does_not_decide_it(client, django_user_model, nurse_review):
    both = reviewer(django_user_model, "both", roles.NURSE, roles.DIRECTOR, degree="MD", **LICENSED)
    review = refer(nurse_review, both)
    client.force_login(both)
    url = reverse("review_decide", kwargs={"review_id": review.public_id})
    assert "another physician must decide it" in client.get(url).content.decode()
    assert "another physician must decide it" in client.post(url, UPHOLD).content.decode()
    with pytest.raises(services.ReviewStateError, match="another physician must decide it"):
        services.director_decide(review=review, user=both, **UPHOLD)
    assert not Determination.objects.exists()


def test_only_a_physician_corrects_to_adverse(django_user_model, approved):
    rn = reviewer(django_user_model, "rn", roles.DIRECTOR, degree="RN", **LICENSED)
    with pytest.raises(services.ReviewStateError, match="Only a physician"):
        services.determination_correct(determination=approved, user=rn, outcome="adverse", basis="administrative",
                                       reason="Wrong member.", rationale="Issued for the wrong member.")
    assert approved.review.determinations.count() == 1


def test_the_service_still_refuses_anyone_outside_the_director_group(django_user_model, nurse, nurse_review):
    md = reviewer(django_user_model, "md", roles.NURSE, degree="MD", **LICENSED)
    review = refer(nurse_review, nurse)
    with pytest.raises(PermissionDenied):
        services.director_decide(review=review, user=md, **UPHOLD)
