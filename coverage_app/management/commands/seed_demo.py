"""`manage.py seed_demo`: the demo accounts and a few sample reviews, made only when missing.

For trying the app out; never run by a migration, so production never gets these accounts.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from coverage_app import roles, services, workflow
from coverage_app.models import Determination, Review, ReviewerProfile
from coverage_app.services import review_create

DEMO_ACCOUNTS = [
    # username, password, first, last, role, staff, reviewer profile
    ("nurse", "nurse-0261", "Maria", "Lopez", roles.NURSE, False,
     {"degree": "RN", "license_number": "RN-220731", "license_state": "CT", "specialty": "Oncology nursing"}),
    ("director", "director-0261", "James", "Carter", roles.DIRECTOR, False,
     {"degree": "MD", "license_number": "MD-048213", "license_state": "CT", "specialty": "Hematology"}),
    ("policy", "policy-0261", "Priya", "Shah", roles.POLICY_STAFF, True, {}),
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
        users = {}
        for username, password, first, last, role, staff, profile in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "is_staff": staff},
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
                self.stdout.write(f"created account {username}")
            user.groups.add(Group.objects.get(name=role))
            ReviewerProfile.objects.get_or_create(user=user, defaults=profile)
            users[username] = user

        now = timezone.now()
        existing = set(Review.objects.values_list("case_number", flat=True))
        for spec in DEMO_REVIEWS:
            if spec["case_number"] in existing:
                continue
            fields = dict(spec)
            hours_ago = fields.pop("hours_ago")
            review_create(received_at=now - dt.timedelta(hours=hours_ago), **fields)
            self.stdout.write(f"created review {spec['case_number']}")

        for spec in DECIDED_CASES:
            if spec["case_number"] in existing:
                continue
            self.decide(spec, users["nurse"], users["director"], now)

    def decide(self, spec, nurse, director, now):
        review = review_create(
            received_at=now - dt.timedelta(days=2),
            urgency=Review.Urgency.STANDARD,
            line_of_business=Review.LineOfBusiness.COMMERCIAL,
            assigned_to=nurse,
            status=Review.Status.IN_REVIEW,
            planned_date_of_service=timezone.localdate(now) + dt.timedelta(days=14),
            **spec,
        )
        notes = {"criterion_notes": {}, "overall_note": "Records from the transplant program reviewed."}
        if spec["indication"] == Review.Indication.ENHANCE_CHIMERISM:
            services.review_finish(action=workflow.REFER, review=review, user=nurse, expected_revision=review.revision, **notes)
            services.director_decide(
                review=review,
                user=director,
                decision=workflow.UPHOLD,
                peer_to_peer=Determination.PeerToPeer.OFFERED,
                rationale=(
                    "The chimerism study of September 21, 2026 shows 100% donor cells in the "
                    "peripheral blood. With full donor chimerism there is no mixed chimerism for a "
                    "boost to correct, and the records show no poor graft function."
                ),
            )
        else:
            services.review_finish(action=workflow.APPROVE, review=review, user=nurse, expected_revision=review.revision, **notes)
        self.stdout.write(f"created decided review {spec['case_number']} with its letter")


# Two finished cases, so a newcomer sees both kinds of letter at once.
DECIDED_CASES = [
    {
        "case_number": "UR-DEMO-0004",
        "member_name": "Dora Fischer",
        "member_id": "M10000004",
        "member_date_of_birth": dt.date(1961, 9, 30),
        "requesting_provider": "Dana Whitfield, MD, Riverside Cancer Center",
        "provider_npi": "1234567893",
        "service": Review.Service.DLI,
        "diagnosis_codes": ["C92.02"],
        "had_transplant": True,
        "transplant_type": Review.TransplantType.ALLOGENEIC,
        "transplant_date": dt.date(2025, 8, 12),
        "same_donor": True,
        "hematologic_malignancy": True,
        "indication": Review.Indication.RELAPSED,
    },
    {
        "case_number": "UR-DEMO-0005",
        "member_name": "Elliot Park",
        "member_id": "M10000005",
        "member_date_of_birth": dt.date(1984, 1, 17),
        "requesting_provider": "Samuel Ortiz, MD, Lakeside Transplant Program",
        "provider_npi": "1245319599",
        "service": Review.Service.HPC_BOOST,
        "diagnosis_codes": ["C91.02", "D75.81"],
        "had_transplant": True,
        "transplant_type": Review.TransplantType.ALLOGENEIC,
        "transplant_date": dt.date(2025, 11, 3),
        "same_donor": True,
        "indication": Review.Indication.ENHANCE_CHIMERISM,
        "donor_chimerism_percent": Decimal("100.0"),
        "chimerism_study_date": dt.date(2026, 9, 21),
        "chimerism_specimen": Review.Specimen.PERIPHERAL_BLOOD,
    },
]
