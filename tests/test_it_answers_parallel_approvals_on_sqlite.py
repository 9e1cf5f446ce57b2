"""Two approvals of one review at the same moment, on the SQLite default: one is issued, the other
is told the review changed (the conflict message), never "database is locked" and a 500."""

import os
import subprocess
import sys
import textwrap

from tests.conftest import PROJECT

RACE = textwrap.dedent('''
    import threading

    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)

    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from coverage_app import roles
    from coverage_app.models import Determination, Review
    from tests.conftest import COMPLETE_REQUEST, complete_answers

    nurse = User.objects.create_user("nurse1", password="pw-for-tests-0261")
    nurse.groups.add(Group.objects.get(name=roles.NURSE))
    client = Client()
    client.force_login(nurse)
    client.post(reverse("review_new"), COMPLETE_REQUEST)
    review = complete_answers(Review.objects.get())
    url = reverse("review_summary", kwargs={"review_id": review.public_id})
    data = {"action": "approve", "overall_note": "", "revision": review.revision}
    connection.close()

    start, answers = threading.Barrier(2), []

    def approve():
        tab = Client(raise_request_exception=False)
        tab.force_login(nurse)
        start.wait()
        r = tab.post(url, data)
        answers.append((r.status_code, "Nothing you entered here was saved" in r.content.decode()))
        connection.close()

    tabs = [threading.Thread(target=approve) for _ in range(2)]
    for t in tabs:
        t.start()
    for t in tabs:
        t.join()
    print(sorted(answers), Determination.objects.count(), Review.objects.get().status)
''')


def test_it_issues_one_approval_and_tells_the_other_tab(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "config.settings_test", "DB_CONN_MAX_AGE": "0", "ALLOWED_HOSTS": "testserver"}
    p = subprocess.run([sys.executable, "-c", RACE], cwd=PROJECT, env=env, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.split("\n")[-2] == "[(200, True), (302, False)] 1 approved", p.stdout + p.stderr[-3000:]
