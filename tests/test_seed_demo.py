import io

from django.contrib.auth.models import User
from django.core.management import call_command

from coverage_app import roles
from coverage_app.models import Appeal, Determination, Notice, Review


def test_it_creates_the_demo_accounts_and_reviews_once(db):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    for username, password, role in [
        ("nurse", "nurse-0261", roles.NURSE),
        ("director", "director-0261", roles.DIRECTOR),
        ("policy", "policy-0261", roles.POLICY_STAFF),
        ("appeals", "appeals-0261", roles.APPEALS_COORDINATOR),
        ("director2", "director2-0261", roles.DIRECTOR),
    ]:
        user = User.objects.get(username=username)
        assert user.check_password(password), username
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert User.objects.get(username="policy").is_staff
    assert Review.objects.count() == 11
    for review in Review.objects.all():
        assert review.due_at > review.received_at
    # Approvals (one post-service) and adverse determinations (commercial and Medicare Advantage),
    # each with its letter; a request for information and a notice of extension.
    decided = Determination.objects.values_list("outcome", "review__line_of_business", "review__request_type")
    assert sorted(decided) == [
        ("adverse", "commercial", "pre_service"), ("adverse", "commercial", "pre_service"),
        ("adverse", "commercial", "pre_service"), ("adverse", "medicare_advantage", "pre_service"),
        ("approved", "commercial", "post_service"), ("approved", "commercial", "pre_service"),
        ("approved", "commercial", "pre_service"),  # the overturned appeal's approval
    ]
    assert sorted(Appeal.objects.values_list("review__case_number", "status")) == [
        ("UR-DEMO-0005", "pending"), ("UR-DEMO-0006", "forwarded"), ("UR-DEMO-0010", "upheld"),
        ("UR-DEMO-0011", "overturned"),
    ]
    assert all(bytes(d.letter.pdf).startswith(b"%PDF") for d in Determination.objects.all())
    assert set(Determination.objects.filter(outcome="adverse").values_list("decider_credentials", flat=True)) == {
        "MD, Hematology"}
    assert sorted(Notice.objects.values_list("kind", "review__status")) == [
        ("appeal_decision", "adverse_determination"), ("extension", "in_review"),
        ("information_request", "waiting_for_information"), ("ire_forwarded", "adverse_determination")]
    assert all(bytes(n.pdf).startswith(b"%PDF") for n in Notice.objects.all())


def test_its_letters_and_notices_are_all_in_todays_export(db, tmp_path):
    from django.utils import timezone

    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_letters", "--date", timezone.localdate().isoformat(), str(tmp_path), stdout=out)
    assert out.getvalue().startswith("wrote 11 letters")
    names = {p.stem for p in tmp_path.iterdir()}
    assert names == {*Determination.objects.values_list("reference_number", flat=True),
                     *Notice.objects.values_list("reference_number", flat=True)}


def test_it_makes_the_three_roles_by_migration(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {
        roles.NURSE, roles.DIRECTOR, roles.POLICY_STAFF
    }
    staff = Group.objects.get(name=roles.POLICY_STAFF)
    assert staff.permissions.filter(codename="change_policyversion").exists()


def test_no_demo_account_exists_without_the_seed(db):
    from django.contrib.auth.models import User

    assert not User.objects.filter(username__in=["nurse", "director", "policy"]).exists()
