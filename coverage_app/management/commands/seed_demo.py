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
from coverage_app.models import Appeal, Determination, Review, ReviewerProfile
from coverage_app.services import review_create

# Where the demo's infusions are given.
FACILITY = {"units_requested": 1, "servicing_facility": "Riverside Cancer Center", "servicing_npi": "1245319599"}

DEMO_ACCOUNTS = [
    # username, password, first, last, role, staff, reviewer profile
    ("nurse", "nurse-0261", "Maria", "Lopez", roles.NURSE, False,
     {"degree": "RN", "license_number": "RN-220731", "license_state": "IL", "specialty": "Oncology nursing"}),
    ("director", "director-0261", "James", "Carter", roles.DIRECTOR, False,
     {"degree": "MD", "license_number": "MD-048213", "license_state": "IL", "specialty": "Hematology"}),
    ("policy", "policy-0261", "Priya", "Shah", roles.POLICY_STAFF, True, {}),
    ("appeals", "appeals-0261", "Grace", "Okafor", roles.APPEALS_COORDINATOR, False, {}),
    # A second physician, who took no part in the first decisions, to decide their appeals.
    ("director2", "director2-0261", "Ruth", "Adeyemi", roles.DIRECTOR, False,
     {"degree": "MD", "license_number": "MD-077120", "license_state": "IL", "specialty": "Hematology/Oncology"}),
]

# Received some hours before the seed runs, so due times fall around now.
DEMO_REVIEWS = [
    {
        "case_number": "UR-DEMO-0001",
        "hours_ago": 30,
        "urgency": Review.Urgency.URGENT,
        "line_of_business": Review.LineOfBusiness.COMMERCIAL,
        "member_name": "Alex Rivera",
        "member_address_line1": "44 Maple Avenue", "member_city": "Chicago", "member_state": "IL", "member_zip": "60614",
        **FACILITY,
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
        "member_address_line1": "9 Orchard Lane", "member_city": "Oak Park", "member_state": "IL", "member_zip": "60302",
        **FACILITY,
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
        "member_address_line1": "310 Asylum Street, Apt 4B", "member_city": "Chicago", "member_state": "IL", "member_zip": "60606",
        **FACILITY,
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

        for case_number, path, answers in DEMO_APPEALS:
            review = Review.objects.get(case_number=case_number)
            if review.appeals.exists():
                continue
            self.appeal(review, path, answers, users)

    def appeal(self, review, path, answers, users):
        adverse = review.determinations.get(outcome=Determination.Outcome.ADVERSE)
        appeal = services.appeal_log(
            determination=adverse, user=users["appeals"], requester=Appeal.Requester.MEMBER, received_at=timezone.now(),
            channel=Appeal.Channel.MAIL, new_information=APPEAL_INFORMATION[review.case_number],
        )
        if answers:
            services.appeal_save_answers(appeal=appeal, user=users["director2"], answers=answers)
            appeal.refresh_from_db()
        if path != "wait":
            services.appeal_decide(
                appeal=appeal, user=users["director2"], outcome=path, consultant_name="Dr Lena Ortiz",
                consultant_specialty=Appeal.Specialty.TRANSPLANT,
                rationale="Reviewed afresh with the records sent with the appeal.",
            )
        self.stdout.write(f"created appeal of {review.case_number} ({path})")

    def decide(self, spec, nurse, director, now):
        spec = dict(spec)
        path = spec.pop("path")
        days_ago = spec.pop("days_ago", 2)
        # A planned service two weeks ahead, or one given some days ago (post-service).
        service_day = timezone.localdate(now) + dt.timedelta(days=-spec.pop("service_days_ago", -14))
        review = review_create(
            received_at=now - dt.timedelta(days=days_ago),
            urgency=Review.Urgency.STANDARD,
            assigned_to=nurse,
            status=Review.Status.IN_REVIEW,
            **{"line_of_business": Review.LineOfBusiness.COMMERCIAL,
               "planned_date_of_service": service_day, **spec},
        )
        notes = {"criterion_notes": {}, "overall_note": "Records from the transplant program reviewed."}
        if path == "uphold":
            services.review_finish(action=workflow.REFER, review=review, user=nurse, expected_revision=review.revision, **notes)
            services.director_decide(
                review=review, user=director, decision=workflow.UPHOLD,
                peer_to_peer=Determination.PeerToPeer.OFFERED, rationale=RATIONALES[spec["case_number"]],
            )
        elif path == "approve":
            services.review_finish(action=workflow.APPROVE, review=review, user=nurse, expected_revision=review.revision, **notes)
        elif path == "ask":
            services.information_request(
                review=review, user=nurse, needed=["HPC-2a"], expected_revision=review.revision,
                detail="The complete blood counts of the last 30 days, and the transfusion record.",
            )
        elif path == "extend":
            services.review_extend(
                review=review, user=nurse, reason="member_requested", expected_revision=review.revision,
                justification="Your doctor is sending the results of a bone marrow test done this week.",
            )
        self.stdout.write(f"created review {spec['case_number']} ({path}) with its letter or notice")


RATIONALES = {
    "UR-DEMO-0010": "The records show an autologous transplant: there are no donor lymphocytes to infuse.",
    "UR-DEMO-0011": "The chimerism study of September 1, 2026 shows 100% donor cells: there is no mixed "
    "chimerism for a boost to correct.",
    "UR-DEMO-0005": "The chimerism study of September 21, 2026 shows 100% donor cells in the peripheral "
    "blood. With full donor chimerism there is no mixed chimerism for a boost to correct, and the records "
    "show no poor graft function.",
    "UR-DEMO-0006": "The records show an autologous transplant, with the member's own cells: there is no "
    "donor whose lymphocytes could be infused.",
}


# Cases issued today with their letter or notice, so that `export_letters --date <today>` shows every
# kind: approvals (one post-service), adverse determinations (commercial and Medicare Advantage), a
# request for information and a notice of extension.
DECIDED_CASES = [
    {
        "case_number": "UR-DEMO-0004",
        "path": "approve",
        "member_name": "Dora Fischer",
        "member_address_line1": "27 Prospect Street", "member_city": "Evanston", "member_state": "IL", "member_zip": "60201",
        **FACILITY,
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
        "path": "uphold",
        "member_name": "Elliot Park",
        "member_address_line1": "5 Church Road", "member_city": "Naperville", "member_state": "IL", "member_zip": "60540",
        **FACILITY,
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
    {
        "case_number": "UR-DEMO-0006",
        "path": "uphold",
        "line_of_business": Review.LineOfBusiness.MEDICARE_ADVANTAGE,
        "member_name": "Frances Moreau",
        "member_address_line1": "81 Wolcott Hill Road", "member_city": "Evanston", "member_state": "IL",
        "member_zip": "60201",
        **FACILITY,
        "member_id": "M10000006",
        "member_date_of_birth": dt.date(1951, 5, 8),
        "requesting_provider": "Samuel Ortiz, MD, Lakeside Transplant Program",
        "provider_npi": "1245319599",
        "service": Review.Service.DLI,
        "diagnosis_codes": ["C90.02"],
        "had_transplant": True,
        "transplant_type": Review.TransplantType.AUTOLOGOUS,
        "transplant_date": dt.date(2025, 10, 14),
        "hematologic_malignancy": True,
        "indication": Review.Indication.RELAPSED,
    },
    {
        "case_number": "UR-DEMO-0007",
        "path": "approve",
        "request_type": Review.RequestType.POST_SERVICE,
        "days_ago": 1,
        "service_days_ago": 10,
        "member_name": "Gabriel Santos",
        "member_address_line1": "12 Elm Street", "member_address_line2": "Apartment 3", "member_city": "Chicago",
        "member_state": "IL", "member_zip": "60622",
        **FACILITY,
        "member_id": "M10000007",
        "member_date_of_birth": dt.date(1972, 12, 1),
        "requesting_provider": "Dana Whitfield, MD, Riverside Cancer Center",
        "provider_npi": "1234567893",
        "service": Review.Service.DLI,
        "diagnosis_codes": ["C92.02"],
        "had_transplant": True,
        "transplant_type": Review.TransplantType.ALLOGENEIC,
        "transplant_date": dt.date(2025, 4, 2),
        "same_donor": True,
        "hematologic_malignancy": True,
        "indication": Review.Indication.PERSISTENT,
    },
    {
        "case_number": "UR-DEMO-0008",
        "path": "ask",
        "days_ago": 3,
        "member_name": "Hana Kowalski",
        "member_address_line1": "230 Farmington Avenue", "member_city": "Chicago", "member_state": "IL",
        "member_zip": "60622",
        **FACILITY,
        "member_id": "M10000008",
        "member_date_of_birth": dt.date(1966, 2, 19),
        "requesting_provider": "Samuel Ortiz, MD, Lakeside Transplant Program",
        "provider_npi": "1245319599",
        "service": Review.Service.HPC_BOOST,
        "diagnosis_codes": ["D46.9"],
        "had_transplant": True,
        "transplant_type": Review.TransplantType.ALLOGENEIC,
        "transplant_date": dt.date(2026, 7, 1),
        "same_donor": True,
        "indication": Review.Indication.PROMOTE_ENGRAFTMENT,
        "graft_function_evidence": ["persistent_cytopenias"],
    },
    {
        "case_number": "UR-DEMO-0009",
        "path": "extend",
        "days_ago": 3,
        "line_of_business": Review.LineOfBusiness.MEDICARE_ADVANTAGE,
        "member_name": "Ivan Petrov",
        "member_address_line1": "17 Shield Street", "member_city": "Oak Park", "member_state": "IL",
        "member_zip": "60304",
        **FACILITY,
        "member_id": "M10000009",
        "member_date_of_birth": dt.date(1949, 8, 23),
        "requesting_provider": "Dana Whitfield, MD, Riverside Cancer Center",
        "provider_npi": "1234567893",
        "service": Review.Service.DLI,
        "diagnosis_codes": ["C92.02"],
        "had_transplant": True,
        "transplant_type": Review.TransplantType.ALLOGENEIC,
        "transplant_date": dt.date(2025, 9, 9),
        "same_donor": True,
        "hematologic_malignancy": True,
        "indication": Review.Indication.RELAPSED,
    },
    {
        "case_number": "UR-DEMO-0010",
        "path": "uphold",
        "member_name": "Jonah Reyes",
        "member_address_line1": "4410 North Broadway", "member_city": "Chicago", "member_state": "IL",
        "member_zip": "60640",
        **FACILITY,
        "member_id": "M10000010",
        "member_date_of_birth": dt.date(1958, 6, 11),
        "requesting_provider": "Dana Whitfield, MD, Riverside Cancer Center",
        "provider_npi": "1234567893",
        "service": Review.Service.DLI,
        "diagnosis_codes": ["C92.02"],
        "had_transplant": True,
        "transplant_type": Review.TransplantType.AUTOLOGOUS,
        "transplant_date": dt.date(2025, 5, 20),
        "hematologic_malignancy": True,
        "indication": Review.Indication.RELAPSED,
    },
    {
        "case_number": "UR-DEMO-0011",
        "path": "uphold",
        "member_name": "Kira Lindqvist",
        "member_address_line1": "18 Davis Street", "member_city": "Evanston", "member_state": "IL",
        "member_zip": "60201",
        **FACILITY,
        "member_id": "M10000011",
        "member_date_of_birth": dt.date(1976, 10, 4),
        "requesting_provider": "Samuel Ortiz, MD, Lakeside Transplant Program",
        "provider_npi": "1245319599",
        "service": Review.Service.HPC_BOOST,
        "diagnosis_codes": ["C92.02"],
        "had_transplant": True,
        "transplant_type": Review.TransplantType.ALLOGENEIC,
        "transplant_date": dt.date(2026, 2, 10),
        "same_donor": True,
        "indication": Review.Indication.ENHANCE_CHIMERISM,
        "donor_chimerism_percent": Decimal("100.0"),
        "chimerism_study_date": dt.date(2026, 9, 1),
        "chimerism_specimen": Review.Specimen.PERIPHERAL_BLOOD,
    },
]


# Appeals, each logged today by the appeals coordinator and, but for the first, decided today by the
# second physician: (case, what happens, answers the appeal corrects).
DEMO_APPEALS = [
    ("UR-DEMO-0005", "wait", {}),
    ("UR-DEMO-0010", "upheld", {}),
    ("UR-DEMO-0011", "overturned", {"donor_chimerism_percent": Decimal("82.0"), "chimerism_study_date": dt.date(2026, 11, 20)}),
    ("UR-DEMO-0006", "upheld", {}),  # Medicare Advantage: forwarded to the IRE
]
APPEAL_INFORMATION = {
    "UR-DEMO-0005": "A letter from the treating physician about the member's blood counts.",
    "UR-DEMO-0010": "The member's letter: the transplant program recommends the infusion.",
    "UR-DEMO-0011": "A new chimerism study of November 20, 2026: 82% donor cells in the peripheral blood.",
    "UR-DEMO-0006": "A letter from the member's daughter asking for the infusion.",
}
