import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from coverage_app.lib import clocks, decisions, questions, rules, taglines
from coverage_app.lib.us_states import US_STATES


class CoveragePolicy(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=10, unique=True)
    title = models.CharField(max_length=200)
    effective_date = models.DateField()
    next_review_date = models.DateField()

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "coverage policies"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PolicyRevision(models.Model):
    """A line of the policy's revision history, as the published policy lists it."""

    policy = models.ForeignKey(CoveragePolicy, on_delete=models.CASCADE, related_name="revisions")
    revision_type = models.CharField(max_length=100)
    summary = models.TextField()
    date = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.revision_type}, {self.date:%b %-d, %Y}"


class PolicyVersion(models.Model):
    """The policy's words as they stood from `effective_date` until the next version.

    A version without an effective date is a draft: policy staff edit it, and nothing judges a
    request by it until they publish it with a date (policy_versions.policy_version_publish)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    policy = models.ForeignKey(CoveragePolicy, on_delete=models.PROTECT, related_name="versions")
    effective_date = models.DateField(
        null=True, blank=True, help_text="Set when the version is published; empty while it is a draft."
    )
    coverage_statements = models.JSONField(
        default=list, help_text="The Coverage Policy section, one statement per item."
    )
    background = models.TextField(
        blank=True, help_text="Background reviewers must see beside the criteria."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "-effective_date"]
        constraints = [
            # Drafts have no date, and any number of them may wait; published versions take turns.
            models.UniqueConstraint(
                fields=["policy", "effective_date"],
                condition=models.Q(effective_date__isnull=False),
                name="one_version_per_policy_and_date",
            )
        ]

    def __str__(self) -> str:
        if self.effective_date is None:
            return f"Policy {self.policy.number}, draft version"
        return f"Policy {self.policy.number}, version effective {self.effective_date:%b %-d, %Y}"

    @property
    def is_draft(self) -> bool:
        return self.effective_date is None


class Criterion(models.Model):
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="criteria")
    # What each criterion asks, beside its code wherever staff see one.
    MEANINGS = {
        "DLI-1": "DLI after an allogeneic transplant",
        "DLI-2": "DLI for a hematologic malignancy",
        "DLI-3": "DLI for relapsed, persistent or refractory disease, or a high risk of relapse",
        "HPC-1": "HPC boost after an autologous or allogeneic transplant",
        "HPC-2a": "HPC boost to promote engraftment",
        "HPC-2b": "HPC boost to enhance chimerism (less than 100% donor cells)",
    }
    # The service each criterion belongs to: a criterion's service follows from its code.
    SERVICE_OF = {code: service.value for service, codes in rules.CRITERIA_IDS.items() for code in codes}

    code = models.CharField(
        "criterion",
        max_length=10,
        choices=[(c, f"{c}: {meaning}") for c, meaning in MEANINGS.items()],
        help_text="Which of the policy's criteria this is.",
    )
    service = models.CharField(
        max_length=20, choices=[(c.value, c.label) for c in questions.BY_NAME["service"].choices]
    )
    statement = models.TextField(help_text="The test a reviewer applies, in plain words.")
    policy_words = models.TextField(help_text="The policy's own words the criterion rests on.")
    position = models.PositiveSmallIntegerField(
        "order", default=0, help_text="Criteria are read in this order, lowest first."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "criteria"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="one_criterion_code_per_version")
        ]

    def __str__(self) -> str:
        return self.get_code_display()

    def wording(self) -> rules.CriterionWording:
        return rules.CriterionWording(statement=self.statement, policy_words=self.policy_words)


def _choices_of(question: str) -> type[models.TextChoices]:
    """A question's choices (lib/questions.py) as Django choices: Review.Service.DLI and so on."""
    return models.TextChoices(
        question.title().replace("_", ""),
        [(c.value.upper(), (c.value, c.label)) for c in questions.BY_NAME[question].choices],
    )


# Open reviews: the condition of the queue's partial indexes. The queue filters with this same Q
# (selectors.review_queue), so PostgreSQL can tell that the indexes apply.
OPEN = ~models.Q(status__in=("approved", "adverse_determination"))


class Review(models.Model):
    """One prior-authorization request for DLI or an HPC boost, and a nurse's review of it."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        IN_REVIEW = "in_review", "In review"
        WAITING_FOR_INFORMATION = "waiting_for_information", "Waiting for information"
        PENDING_PHYSICIAN_REVIEW = "pending_physician_review", "Pending physician review"
        APPROVED = "approved", "Approved"
        ADVERSE_DETERMINATION = "adverse_determination", "Adverse determination"

    FINISHED_STATUSES = (Status.APPROVED, Status.ADVERSE_DETERMINATION)
    # A nurse may change answers only before the review leaves her hands.
    EDITABLE_STATUSES = (Status.RECEIVED, Status.IN_REVIEW)

    # The choices of the questionnaire's questions, as the question table words them.
    Service = _choices_of("service")
    LineOfBusiness = _choices_of("line_of_business")
    Urgency = _choices_of("urgency")
    TransplantType = _choices_of("transplant_type")
    Indication = _choices_of("indication")
    GraftEvidence = _choices_of("graft_function_evidence")
    Specimen = _choices_of("chimerism_specimen")
    RequestType = _choices_of("request_type")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case_number = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.RECEIVED)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.STANDARD)
    line_of_business = models.CharField(
        max_length=30, choices=LineOfBusiness.choices, default=LineOfBusiness.COMMERCIAL
    )
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_reviews",
    )

    # The request.
    member_name = models.CharField(max_length=200, blank=True)
    member_id = models.CharField(max_length=30, blank=True)
    member_date_of_birth = models.DateField(null=True, blank=True)
    requesting_provider = models.CharField(max_length=200, blank=True)
    provider_npi = models.CharField(max_length=10, blank=True)
    member_address_line1 = models.CharField(max_length=100, blank=True)
    member_address_line2 = models.CharField(max_length=100, blank=True)
    member_city = models.CharField(max_length=60, blank=True)
    member_state = models.CharField(max_length=2, choices=US_STATES, blank=True)
    member_zip = models.CharField(max_length=10, blank=True)
    request_type = models.CharField(max_length=20, choices=RequestType.choices, default=RequestType.PRE_SERVICE)
    service = models.CharField(max_length=20, choices=Service.choices, blank=True)
    units_requested = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    servicing_facility = models.CharField(max_length=200, blank=True)
    servicing_npi = models.CharField(max_length=10, blank=True)
    planned_date_of_service = models.DateField(null=True, blank=True)
    diagnosis_codes = models.JSONField(default=list, blank=True)

    # The transplant.
    had_transplant = models.BooleanField(null=True, blank=True)
    transplant_type = models.CharField(max_length=20, choices=TransplantType.choices, blank=True)
    transplant_date = models.DateField(null=True, blank=True)
    same_donor = models.BooleanField(null=True, blank=True)

    # The indication.
    hematologic_malignancy = models.BooleanField(null=True, blank=True)
    indication = models.CharField(max_length=30, choices=Indication.choices, blank=True)
    indication_detail = models.TextField(blank=True)
    graft_function_evidence = models.JSONField(default=list, blank=True)
    donor_chimerism_percent = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    chimerism_study_date = models.DateField(null=True, blank=True)
    chimerism_specimen = models.CharField(max_length=20, choices=Specimen.choices, blank=True)

    # The nurse's notes, per criterion code and overall.
    criterion_notes = models.JSONField(default=dict, blank=True)
    overall_note = models.TextField(blank=True)
    # Why the nurse sent a case that meets the criteria to a physician (clinical judgment).
    referral_reason = models.TextField(blank=True)

    # Set when the nurse finishes: the version judged against, and the trace she saw.
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    nurse_determination = models.JSONField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submitted_reviews",
    )
    # A request that came over FHIR (PAS Claim/$submit): the Claim's identifier ("system|value"),
    # the client that sent it, and whether its answers are the provider's attestation, which the
    # nurse confirms or corrects. Empty for one typed in from a fax.
    claim_identifier = models.CharField(max_length=300, null=True, blank=True, unique=True)
    api_client = models.ForeignKey(
        "ApiClient", on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    answers_attested_by_provider = models.BooleanField(default=False)
    # The PAS Request Bundle as received: what $inquire's answers echo (patient, provider, item).
    claim_bundle = models.JSONField(null=True, blank=True, editable=False)
    # The decision clock (lib/clocks.py): an information request and an extension, at most one each.
    information_requested_at = models.DateTimeField(null=True, blank=True)
    information_respond_by = models.DateTimeField(null=True, blank=True)
    information_received_at = models.DateTimeField(null=True, blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.CharField(max_length=30, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every change: a page posts the revision it showed, so a second tab's stale save
    # is caught instead of silently overwriting the first.
    revision = models.PositiveIntegerField(default=0)

    # The submitted Bundle never changes once kept: the history need not copy it on every save.
    history = HistoricalRecords(excluded_fields=["claim_bundle"])

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["due_at", "id"], name="review_queue_order"),
            models.Index(fields=["status", "due_at"], name="review_status_due"),
            models.Index(fields=["assigned_to", "due_at"], name="review_assignee_due"),
            models.Index(fields=["member_id"], name="review_member_id"),
            # The default queue and "assigned to me" list open reviews, soonest due first. Finished
            # reviews pile up and are due earliest, so an index over every review would make the
            # first page skip past all of them (bench/README.md): these hold only open reviews.
            models.Index(fields=["due_at", "id"], name="review_open_due", condition=OPEN),
            models.Index(
                fields=["assigned_to", "due_at", "id"], name="review_open_assignee_due", condition=OPEN
            ),
        ]

    def __str__(self) -> str:
        return self.case_number

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def mailing_address(self) -> list[str]:
        """The member's address as an envelope prints it."""
        last = f"{self.member_city}, {self.member_state} {self.member_zip}".strip(", ")
        return [line for line in (self.member_address_line1, self.member_address_line2, last) if line]

    def clock(self) -> clocks.Clock:
        return clocks.Clock(
            line_of_business=self.line_of_business,
            urgency=self.urgency,
            request_type=self.request_type,
            received_at=self.received_at,
            information_requested_at=self.information_requested_at,
            information_respond_by=self.information_respond_by,
            information_received_at=self.information_received_at,
            extended_at=self.extended_at,
            extension_reason=self.extension_reason,
        )

    def answers(self) -> dict:
        """The questionnaire's answers, keyed by question name (lib/questions.py)."""
        return {q.name: getattr(self, q.name) for q in questions.QUESTIONS}


class ReviewEvent(models.Model):
    """Who did what to a review, and when: the review's own audit trail."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        ASSIGNED = "assigned", "Assigned"
        ANSWERS_SAVED = "answers_saved", "Answers saved"
        NOTES_SAVED = "notes_saved", "Notes saved"
        APPROVED = "approved", "Approved by nurse"
        REFERRED = "referred", "Sent to physician review"
        UPHELD = "upheld", "Adverse determination upheld"
        OVERTURNED = "overturned", "Overturned and approved"
        CORRECTED = "corrected", "Determination corrected"
        INFORMATION_REQUESTED = "information_requested", "Information requested (clock paused where the rules allow)"
        INFORMATION_RECEIVED = "information_received", "Information received (clock resumed)"
        INFORMATION_NOT_RECEIVED = "information_not_received", "Information not received in time: sent to physician review"
        EXTENDED = "extended", "Decision time extended"
        DOCUMENT_ADDED = "document_added", "Document attached"
        APPEAL_LOGGED = "appeal_logged", "Appeal received"
        APPEAL_LATE_ACCEPTED = "appeal_late_accepted", "Late appeal accepted for good cause"
        APPEAL_ANSWERS = "appeal_answers", "Answers corrected for the appeal"
        APPEAL_UPHELD = "appeal_upheld", "Appeal upheld"
        APPEAL_OVERTURNED = "appeal_overturned", "Appeal overturned: approved"
        IRE_FORWARDED = "ire_forwarded", "Sent to the Independent Review Entity"
        IRE_DECIDED = "ire_decided", "Independent Review Entity's decision recorded"
        EXTERNAL_REQUESTED = "external_requested", "External review requested"
        EXTERNAL_DECIDED = "external_decided", "External review decision recorded"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    # None: the app itself (manage.py lapse_information_requests), not a person.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    at = models.DateTimeField(auto_now_add=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["review", "at"], name="review_event_review_at")]

    def __str__(self) -> str:
        return f"{self.review} {self.action} by {self.actor or 'the system'} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def actor_name(self) -> str:
        if self.actor is None:
            return "the system (information not received in time)"
        return self.actor.get_full_name() or self.actor.get_username()


class ReviewerProfile(models.Model):
    """A reviewer's qualifications: who may issue a physician's determination (an MD or DO with a
    license on file, lib/decisions.py), and what letters print beside the name ("MD, Hematology")."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile"
    )
    degree = models.CharField(max_length=10, choices=decisions.DEGREES, blank=True)
    license_number = models.CharField(max_length=40, blank=True)
    license_state = models.CharField(
        max_length=2, choices=US_STATES, blank=True, help_text="The state that issued the license."
    )
    specialty = models.CharField(
        max_length=100, blank=True, help_text='As printed on letters, e.g. "Hematology/Oncology".'
    )
    reports_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The reviewer's supervisor: a physician does not decide the appeal of a decision by the "
        "person they report to.",
    )

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()}, {self.credentials().printed}"

    def credentials(self) -> decisions.Credentials:
        return decisions.Credentials(
            degree=self.degree,
            license_number=self.license_number,
            license_state=self.license_state,
            specialty=self.specialty,
        )


class LetterWording(models.Model):
    """A paragraph of the letters that policy staff word; the letter's structure is fixed."""

    class Kind(models.TextChoices):
        LETTERHEAD = "letterhead", "Letterhead (plan name, address, telephone)"
        APPROVAL = "approval", "Approval paragraph"
        ADVERSE = "adverse", "Adverse determination paragraph"
        APPEAL_COMMERCIAL = "appeal_commercial", "Appeal rights: commercial / employer (ERISA) plans"
        APPEAL_MEDICARE = "appeal_medicare", "Appeal rights: Medicare Advantage"
        PEER_TO_PEER = "peer_to_peer", "Peer-to-peer discussion"
        LANGUAGE_ASSISTANCE = "language_assistance", "Language assistance and nondiscrimination"
        CONSUMER_ASSISTANCE = "consumer_assistance", (
            "Help with appeals: the state's consumer assistance office or ombudsman, and EBSA for ERISA plans"
        )
        PLAN_DOCUMENT = "plan_document", "The plan document provision a decision rests on"
        MEDICARE_HELP = "medicare_help", "Medicare help: the State Health Insurance Assistance Program (SHIP)"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    # Empty while a draft: letters print only published wording (policy_versions.letter_wording_publish).
    effective_date = models.DateField(
        null=True, blank=True, help_text="Set when the wording is published; empty while it is a draft."
    )
    text = models.TextField(help_text="Plain text; a blank line starts a new paragraph.")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "-effective_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "effective_date"],
                condition=models.Q(effective_date__isnull=False),
                name="one_wording_per_kind_and_date",
            )
        ]

    def __str__(self) -> str:
        if self.effective_date is None:
            return f"{self.get_kind_display()}, draft"
        return f"{self.get_kind_display()}, effective {self.effective_date:%b %-d, %Y}"

    @property
    def is_draft(self) -> bool:
        return self.effective_date is None


class Determination(models.Model):
    """An issued decision and its letter. Never changed once written: a correction supersedes it."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        ADVERSE = "adverse", "Adverse determination"

    class Basis(models.TextChoices):
        MEDICAL_NECESSITY = decisions.MEDICAL_NECESSITY, "Medical necessity"
        ADMINISTRATIVE = decisions.ADMINISTRATIVE, "Administrative (wrong member, wrong service)"

    class PeerToPeer(models.TextChoices):
        NOT_APPLICABLE = "", "Not applicable"
        NOT_OFFERED = "not_offered", "Not offered"
        OFFERED = "offered", "Offered, not held"
        HELD = "held", "Offered and held"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference_number = models.CharField(max_length=20, unique=True)
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="determinations")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    decided_at = models.DateTimeField()
    # None for an automatic approval: the rules engine on the provider's attested answers (PAS).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="determinations"
    )
    # As printed: a later change of name or credentials does not rewrite history.
    decider_name = models.CharField(max_length=200)
    decider_credentials = models.CharField(max_length=100, blank=True)
    decider_role = models.CharField(max_length=50)
    rationale = models.TextField(blank=True)
    basis = models.CharField(max_length=30, choices=Basis.choices, default=Basis.MEDICAL_NECESSITY)
    # A physician's reasons for an adverse determination beyond the criteria not met, as printed.
    clinical_reasons = models.TextField(blank=True)
    peer_to_peer = models.CharField(max_length=20, choices=PeerToPeer.choices, blank=True)
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    criteria_snapshot = models.JSONField(help_text="The determination as judged, criteria text included.")
    wording_snapshot = models.JSONField(help_text="The letter paragraphs as printed.")
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["decided_at"], name="determination_decided_at")]

    def __str__(self) -> str:
        return f"{self.reference_number} ({self.get_outcome_display()})"

    @property
    def is_adverse(self) -> bool:
        return self.outcome == self.Outcome.ADVERSE

    @property
    def is_administrative(self) -> bool:
        return self.basis == self.Basis.ADMINISTRATIVE


class Letter(models.Model):
    """A determination's letter, rendered once when it was issued. Never changed afterwards."""

    determination = models.OneToOneField(
        Determination, on_delete=models.PROTECT, primary_key=True, related_name="letter"
    )
    html = models.TextField(help_text="The print-friendly page, as issued.")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    rendered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Letter {self.determination.reference_number}"


class AccessLog(models.Model):
    """Every look at a review or a letter: who, which case, when. Protected health information."""

    class Kind(models.TextChoices):
        REVIEW = "review", "Review"
        LETTER = "letter", "Letter"
        NOTICE = "notice", "Notice"
        DOCUMENT = "document", "Document"
        APPEAL = "appeal", "Appeal"
        API = "api", "FHIR API call"

    # A person at a page, or an EHR's client at the FHIR API: one or the other (a constraint).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    api_client = models.ForeignKey("ApiClient", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # None for an API call about no review yet (discovery, the questionnaire).
    review = models.ForeignKey(Review, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    determination = models.ForeignKey(
        Determination, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notice = models.ForeignKey("Notice", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    document = models.ForeignKey("Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    path = models.CharField(max_length=300)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "at"], name="access_user_at"),
            models.Index(fields=["review", "at"], name="access_review_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(api_client__isnull=False),
                name="access_by_someone",
            )
        ]

    def __str__(self) -> str:
        who = self.user or self.api_client
        return f"{who} viewed {self.review or self.path} ({self.kind}) at {self.at:%Y-%m-%d %H:%M}"


def default_tagline_languages() -> list[str]:
    return list(taglines.default_languages())


class PlanSettings(models.Model):
    """What letters print that differs from plan to plan and is not a paragraph of wording: one row,
    made by migration 0018, changed by policy staff in the admin site. A letter keeps the values it
    was issued with (Determination.wording_snapshot)."""

    state = models.CharField(
        max_length=2, choices=US_STATES, default=taglines.DEFAULT_STATE,
        help_text="The state the plan serves: its consumer-assistance office and its language list.",
    )
    member_services_phone = models.CharField(max_length=30, default="1-800-555-0261")
    member_services_tty = models.CharField(max_length=30, default="711")
    tagline_languages = models.JSONField(
        default=default_tagline_languages,
        help_text="Language codes of the taglines every letter prints, in order (lib/taglines.py), "
        "e.g. the 15 languages most spoken by people with limited English in the plan's state.",
    )
    automatic_approval = models.BooleanField(
        default=True,
        help_text="Approve at once a FHIR (PAS) request whose attested answers meet every criterion. "
        "Off: every such request waits for a nurse.",
    )
    authorization_valid_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="How long an approval is valid, counted from the planned date of service.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "plan settings"

    def __str__(self) -> str:
        return "Plan settings"

    def snapshot(self) -> dict:
        return {
            "state": self.state,
            "member_services_phone": self.member_services_phone,
            "member_services_tty": self.member_services_tty,
            "tagline_languages": list(self.tagline_languages),
            "authorization_valid_days": self.authorization_valid_days,
        }


class Notice(models.Model):
    """A notice issued while a review is open: a request for information or an extension notice.
    Rendered once to a PDF kept beside its text; never changed (migration 0018's trigger)."""

    class Kind(models.TextChoices):
        INFORMATION_REQUEST = "information_request", "Request for information"
        EXTENSION = "extension", "Notice of extension"
        APPEAL_DECISION = "appeal_decision", "Appeal decision"
        IRE_FORWARDED = "ire_forwarded", "Notice: appeal sent to the Independent Review Entity"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference_number = models.CharField(max_length=20, unique=True)
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issuer_name = models.CharField(max_length=200)
    # What the notice says: the information asked for, the dates, the reason: as printed.
    content = models.JSONField()
    wording_snapshot = models.JSONField(help_text="The letter paragraphs and plan settings as printed.")
    html = models.TextField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference_number}"


def document_path(instance, filename: str) -> str:
    """Stored under a random name: the name a provider gave a file is kept only as data."""
    return f"documents/{instance.review.public_id}/{uuid.uuid4()}"


class Document(models.Model):
    """A document that arrived for a review (records, a lab report), stored through Django's
    storage API: the filesystem by default, object storage in production (README)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="documents")
    # Set when the document came with an appeal.
    appeal = models.ForeignKey("Appeal", on_delete=models.PROTECT, null=True, blank=True, related_name="documents")
    file = models.FileField(upload_to=document_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Appeal(models.Model):
    """An appeal of an adverse determination, as received: who asked, when and how, whether it is
    expedited, what came with it, and when it must be decided (lib/appeals.py)."""

    class Requester(models.TextChoices):
        MEMBER = "member", "The member"
        PROVIDER = "provider", "The requesting provider"
        REPRESENTATIVE = "representative", "An authorized representative"

    class Channel(models.TextChoices):
        MAIL = "mail", "Mail"
        FAX = "fax", "Fax"
        PHONE = "phone", "Telephone"
        PORTAL = "portal", "Portal"

    class Status(models.TextChoices):
        LATE = "late", "Late: waiting for good cause"
        PENDING = "pending", "Waiting for decision"
        OVERTURNED = "overturned", "Overturned: approved"
        UPHELD = "upheld", "Upheld"
        FORWARDED = "forwarded", "Upheld: forwarded to the Independent Review Entity"

    OPEN_STATUSES = (Status.LATE, Status.PENDING)

    class Specialty(models.TextChoices):
        HEMATOLOGY_ONCOLOGY = "hematology_oncology", "Hematology/oncology"
        TRANSPLANT = "transplant", "Blood and marrow transplantation"

    class Outside(models.TextChoices):
        """An outside reviewer's decision: the IRE (Medicare Advantage) or an IRO (external review)."""

        NONE = "", "Not yet decided"
        UPHELD = "upheld", "Upheld the denial"
        REVERSED = "reversed", "Reversed: approve"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference_number = models.CharField(max_length=20, unique=True)
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="appeals")
    determination = models.ForeignKey(Determination, on_delete=models.PROTECT, related_name="appeals")
    status = models.CharField(max_length=20, choices=Status.choices)
    requester = models.CharField(max_length=20, choices=Requester.choices)
    representative_name = models.CharField(max_length=200, blank=True)
    appointment_on_file = models.BooleanField(default=False)
    received_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    member_asks_expedited = models.BooleanField(default=False)
    physician_says_urgent = models.BooleanField(default=False)
    expedited = models.BooleanField(default=False)
    new_information = models.TextField(blank=True)
    late = models.BooleanField(default=False)
    good_cause = models.TextField(blank=True)
    good_cause_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField()
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)
    # Answers the appeal corrects (new information), over the review's own: the rules are run again
    # on them, without deference to the first decision.
    answers = models.JSONField(default=dict, blank=True)

    # The decision, by a physician who took no part in the first one.
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decider_name = models.CharField(max_length=200, blank=True)
    decider_credentials = models.CharField(max_length=100, blank=True)
    rationale = models.TextField(blank=True)
    clinical_reasons = models.TextField(blank=True)
    consultant_name = models.CharField(max_length=200, blank=True)
    consultant_specialty = models.CharField(max_length=30, choices=Specialty.choices, blank=True)
    decision_snapshot = models.JSONField(null=True, blank=True, help_text="The rules run again, as judged.")
    approval = models.OneToOneField(
        Determination, on_delete=models.PROTECT, null=True, blank=True, related_name="approving_appeal"
    )
    # Medicare Advantage: an upheld reconsideration goes to the Independent Review Entity.
    ire_forwarded_at = models.DateTimeField(null=True, blank=True)
    ire_outcome = models.CharField(max_length=10, choices=Outside.choices, blank=True)
    ire_decided_at = models.DateTimeField(null=True, blank=True)
    # Commercial: external review by an independent review organization.
    external_requested_at = models.DateTimeField(null=True, blank=True)
    external_expedited = models.BooleanField(default=False)
    iro_name = models.CharField(max_length=200, blank=True)
    external_due_at = models.DateTimeField(null=True, blank=True)
    external_outcome = models.CharField(max_length=10, choices=Outside.choices, blank=True)
    external_decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="appeal_status_due")]

    def __str__(self) -> str:
        return self.reference_number


class ApiClient(models.Model):
    """An EHR (or its intermediary) allowed to call the FHIR API with a bearer token. Only the
    token's SHA-256 is kept; `manage.py create_api_client` prints the token once."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class MemberDemographics(models.Model):
    """What the member said of their race and ethnicity, languages and sex, when asked: for the
    health-equity report only (lib/equity.py). Kept apart from the review's answers, so that the
    rules engine, the determination, the letters and the reviewers' pages never see it.

    Empty means not asked; equity.DECLINED means asked and declined. Never guessed."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="demographics")
    race_ethnicity = models.JSONField(default=list, blank=True)  # OMB 2024 codes, or ["declined"]
    spoken_language = models.CharField(max_length=20, blank=True)
    written_language = models.CharField(max_length=20, blank=True)
    sex = models.CharField(max_length=20, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "member demographics"

    def __str__(self) -> str:
        return f"Self-reported demographics for {self.review}"
