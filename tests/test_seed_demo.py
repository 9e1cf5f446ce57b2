import io

from django.contrib.auth.models import User
from django.core.management import call_command

from coverage_app import roles
from coverage_app.models import Determination, Review


def test_it_creates_the_demo_accounts_and_reviews_once(db):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    for username, password, role in [
        ("nurse", "nurse-0261", roles.NURSE),
        ("director", "director-0261", roles.DIRECTOR),
        ("policy", "policy-0261", roles.POLICY_STAFF),
    ]:
        user = User.objects.get(username=username)
        assert user.check_password(password), username
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert User.objects.get(username="policy").is_staff
    assert Review.objects.count() == 5
    for review in Review.objects.all():
        assert review.due_at > review.received_at
    # one issued approval and one issued adverse determination, each with its letter
    assert sorted(Determination.objects.values_list("outcome", flat=True)) == ["adverse", "approved"]
    assert all(bytes(d.letter.pdf).startswith(b"%PDF") for d in Determination.objects.all())
    assert Determination.objects.get(outcome="adverse").decider_credentials == "MD, Hematology"


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
