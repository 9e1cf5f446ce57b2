"""`manage.py seed_demo`: the demo accounts and a few sample reviews, made only when missing.

For trying the app out; never run by a migration, so production never gets these accounts.
"""

import datetime as dt

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from coverage_app import roles
from coverage_app.models import Review
from coverage_app.services import review_create

DEMO_ACCOUNTS = [
    # username, password, first, last, role, staff
    ("nurse", "nurse-0261", "Maria", "Lopez", roles.NURSE, False),
    ("director", "director-0261", "James", "Carter", roles.DIRECTOR, False),
    ("policy", "policy-0261", "Priya", "Shah", roles.POLICY_STAFF, True),
]

# Received some hours before the seed runs, so due times fall around now.
DEMO_REVIEWS = [
    {
        "case_number": "UR-DEMO-0001",
        "hours_ago": 30,
        "urgency": Review.Urgency.URGENT,
        "line_of_business": Review.LineOfBusiness.COMMERCIAL,
        "member_name": "Alex Rivera",
        "member_id": "M10000001",
        "member_date_of_birth": dt.date(1968, 3, 14),
        "requesting_provider": "Dana Whitfield, MD, Riverside Cancer Center",
        "provider_npi": "1234567893",
        "service": Review.Service.DLI,
        "diagnosis_codes": ["C92.02"],
    },
    {
        "case_number": "UR-DEMO-0002",
        "hours_ago": 50,
        "urgency": Review.Urgency.STANDARD,
        "line_of_business": Review.LineOfBusiness.MEDICARE_ADVANTAGE,
        "member_name": "Beatrice Owens",
        "member_id": "M10000002",
        "member_date_of_birth": dt.date(1955, 11, 2),
        "requesting_provider": "Samuel Ortiz, MD, Lakeside Transplant Program",
        "provider_npi": "1245319599",
        "service": Review.Service.HPC_BOOST,
        "diagnosis_codes": ["D46.9"],
    },
    {
        "case_number": "UR-DEMO-0003",
        "hours_ago": 4,
        "urgency": Review.Urgency.STANDARD,
        "line_of_business": Review.LineOfBusiness.COMMERCIAL,
        "member_name": "Chen Wei",
        "member_id": "M10000003",
        "member_date_of_birth": dt.date(1979, 7, 21),
        "requesting_provider": "Dana Whitfield, MD, Riverside Cancer Center",
        "provider_npi": "1234567893",
        "service": Review.Service.HPC_BOOST,
        "diagnosis_codes": ["C90.00"],
    },
]


class Command(BaseCommand):
    help = "Create the demo accounts and sample reviews when they are missing."

    @transaction.atomic
    def handle(self, *args, **options):
        for username, password, first, last, role, staff in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "is_staff": staff},
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
                self.stdout.write(f"created account {username}")
            user.groups.add(Group.objects.get(name=role))

        now = timezone.now()
        existing = set(Review.objects.values_list("case_number", flat=True))
        for spec in DEMO_REVIEWS:
            if spec["case_number"] in existing:
                continue
            fields = dict(spec)
            hours_ago = fields.pop("hours_ago")
            review_create(received_at=now - dt.timedelta(hours=hours_ago), **fields)
            self.stdout.write(f"created review {spec['case_number']}")
