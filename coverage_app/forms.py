"""The app's forms. The questionnaire's step forms are built from the question table
(lib/questions.py): each asks what applies given the earlier steps, and a question that hangs on an
answer of its own step carries `data-show-when`, which the page's script uses to show or hide it in
place (without JavaScript it stays visible and its help says when it is asked). What a step checks
beyond the table (plausible dates, an NPI's check digit, ICD-10-CM codes) is written in its form."""

import datetime as dt
import re
from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from coverage_app import selectors, workflow
from coverage_app.form_rendering import QUESTION_RENDERER
from coverage_app.lib import clocks, equity, icd10, npi, questions, taglines
from coverage_app.lib.deadlines import RequestType
from coverage_app.lib.us_states import US_STATES
from coverage_app.lib.questions import Kind
from coverage_app.lib.usdates import long_date
from coverage_app.lib.vocabulary import Indication
from coverage_app.models import Appeal, Determination

OLDEST_PLAUSIBLE_AGE_YEARS = 120
ZIP_CODE = re.compile(r"\d{5}(-\d{4})?")
STATE_CODES = frozenset(code for code, _name in US_STATES)
# No date a request holds (birth, transplant, study, service) comes before this: a year such as
# 0001 is a slip of the keyboard, not a date.
EARLIEST_PLAUSIBLE_DATE = dt.date(1900, 1, 1)
# A prior-authorization request is for a service planned within a year of asking.
LONGEST_PLANNING_DAYS = 366
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
QUESTION_TEMPLATE = "coverage_app/forms/question.html"


class DiagnosisCodesField(forms.CharField):
    """ICD-10-CM codes typed as text ("C92.02, D75.81"), each checked against the code set; the
    answer is the list of codes."""

    def clean(self, value):
        codes = icd10.split_codes(super().clean(value))
        problems = [p for code, typed in codes.items() if (p := icd10.code_problem(code, typed))]
        if problems:
            raise forms.ValidationError(problems)
        return list(codes)


# One voice for a question left unanswered, whether Django or the step's own checks find it.
ANSWER_THIS = "Answer this question."


class DecimalAnswerField(forms.DecimalField):
    """A decimal typed as text (inputmode="decimal"), so that a comma reaches the server and is
    refused with a message: a number input in an English browser reads "9,5" as 95."""

    def to_python(self, value):
        if isinstance(value, str) and "," in value:
            raise forms.ValidationError(
                f"Use a point for decimals: {value.strip().replace(',', '.')}, not {value.strip()}.", code="comma"
            )
        return super().to_python(value)


def _number_messages(q: questions.Question) -> dict:
    every = ("invalid", "min_value", "max_value", "max_digits", "max_whole_digits")
    places = "one decimal place" if q.decimal_places == 1 else f"{q.decimal_places} decimal places"
    return {**{code: q.range_message for code in every}, "max_decimal_places": f"{q.range_message[:-1]}, with at most {places}."}


def _yes_no(value) -> bool:
    return value in (True, "True")


def _field(q: questions.Question, answers: dict) -> forms.Field:
    """The form field that asks question `q`, its choices as the earlier answers leave them."""
    common = {
        "label": q.label,
        "required": False,
        "help_text": " ".join(filter(None, (q.help, questions.asked_when(q.name)))),
        "error_messages": {"required": ANSWER_THIS},
    }
    attrs = dict(q.attrs)
    match q.kind:
        case Kind.YES_NO:
            return forms.TypedChoiceField(
                choices=[(True, "Yes"), (False, "No")], coerce=_yes_no, empty_value=None, widget=forms.RadioSelect, **common
            )
        case Kind.CHOICE:
            offered = [(c.value, c.label) for c in questions.offered(q.name, answers)]
            return forms.ChoiceField(choices=offered, widget=forms.RadioSelect, **common)
        case Kind.CHOICES:
            offered = [(c.value, c.label) for c in questions.offered(q.name, answers)]
            return forms.MultipleChoiceField(choices=offered, widget=forms.CheckboxSelectMultiple, **common)
        case Kind.DATE:
            return forms.DateField(widget=DATE_WIDGET, **common)
        case Kind.DECIMAL:
            common["error_messages"].update(_number_messages(q))
            return DecimalAnswerField(
                min_value=q.minimum, max_value=q.maximum, decimal_places=q.decimal_places,
                max_digits=len(str(int(q.maximum))) + q.decimal_places,
                widget=forms.TextInput(attrs=attrs),
                **common,
            )
        case Kind.NUMBER:
            common["error_messages"].update(_number_messages(q))
            return forms.IntegerField(
                min_value=int(q.minimum), max_value=int(q.maximum),
                widget=forms.NumberInput(attrs={"min": str(q.minimum), "max": str(q.maximum), **attrs}),
                **common,
            )
        case Kind.CODES:
            return DiagnosisCodesField(**common)
        case Kind.TEXT:
            return forms.CharField(max_length=q.max_length, widget=forms.TextInput(attrs=attrs), **common)
        case Kind.LONG_TEXT:
            return forms.CharField(max_length=q.max_length, widget=forms.Textarea(attrs={"rows": 3, **attrs}), **common)
    raise ValueError(f"no field for {q.kind}")


def _initial(q: questions.Question, value):
    return ", ".join(value) if q.kind is Kind.CODES and value else value


class StepForm(forms.Form):
    """A step of the questionnaire: the table's questions for `step`, as the earlier steps' answers
    leave them.

    `answers` are the review's saved answers; `complete` is False when the reviewer is only saving
    a draft (Back), when questions may be left unanswered but a given answer must still be valid.
    """

    step: str
    default_renderer = QUESTION_RENDERER

    def __init__(self, data=None, *, answers: dict, complete: bool = True, prefix: str | None = None):
        asked = questions.asked_on(self.step, answers)
        super().__init__(data, initial={q.name: _initial(q, answers.get(q.name)) for q in asked}, prefix=prefix)
        self.answers = answers
        self.complete = complete
        for q in asked:
            field = _field(q, answers)
            field.show_when = questions.show_when(q.name)
            # Django marks what is always asked; what hangs on this step's answers is checked in clean().
            field.required = complete and q.required and not field.show_when
            field.template_name = QUESTION_TEMPLATE
            field.marked_required = q.required  # marked whenever it is asked, drafts included
            if not field.widget.use_fieldset:
                field.widget.attrs["class"] = "form-control"  # Bootstrap's, as the template prints it
            self.fields[q.name] = field

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields and not self.fields[name].widget.use_fieldset:
                self.fields[name].widget.attrs["class"] = "form-control is-invalid"

    def merged_answers(self) -> dict:
        return {**self.answers, **self.cleaned_data}

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if isinstance(field, forms.DateField) and value and value < EARLIEST_PLAUSIBLE_DATE:
                if name not in self.errors:
                    self.add_error(name, f"Check the year: {value.year:04d} is not plausible.")
        if self.complete:
            merged = self.merged_answers()
            for name in questions.missing(merged):
                if name in self.fields and name not in self.errors:
                    self.add_error(name, ANSWER_THIS)
        return cleaned

    def _check_not_future(self, name: str, what: str) -> None:
        value = self.cleaned_data.get(name)
        if value and value > timezone.localdate() and name not in self.errors:
            self.add_error(name, f"The {what} cannot be in the future.")

    def _check_order(self, earlier: str, later: str, error_on: str, message: str) -> None:
        """`message` beside `error_on` when the answer `earlier` falls after the answer `later`
        (each from this step or saved from another)."""
        merged = {**self.answers, **{k: v for k, v in self.cleaned_data.items() if k in self.fields}}
        first, second = merged.get(earlier), merged.get(later)
        if first and second and second < first and error_on not in self.errors:
            other = second if error_on == earlier else first
            self.add_error(error_on, message.format(date=long_date(other)))


class RequestForm(StepForm):
    step = "request"

    def __init__(self, *args, received_on: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The day the request was received: today for one being entered now.
        self.received_on = received_on or timezone.localdate()
        saved = self.answers.get("diagnosis_codes")
        if saved:
            described = "; ".join(f"{d.code} {d.description}" for d in map(icd10.describe, saved))
            self.fields["diagnosis_codes"].help_text += f" Saved: {described}."

    def _post_service(self) -> bool:
        kind = self.cleaned_data.get("request_type", self.answers.get("request_type"))
        return kind == RequestType.POST_SERVICE

    def clean(self):
        cleaned = super().clean()
        merged = self.merged_answers()
        try:
            clocks.rule_for(merged.get("line_of_business"), merged.get("urgency"), merged.get("request_type"))
        except clocks.ClockError as e:
            if "urgency" in self.fields and "urgency" not in self.errors:
                self.add_error("urgency", str(e))
        except (KeyError, ValueError):
            pass  # an unanswered question, reported beside itself
        self._check_order(
            "member_date_of_birth", "transplant_date", "member_date_of_birth",
            "The date of birth cannot be after the transplant ({date}).",
        )
        self._check_order(
            "transplant_date", "planned_date_of_service", "planned_date_of_service",
            "The date of service cannot be before the transplant ({date}).",
        )
        return cleaned

    def clean_member_id(self):
        return self.cleaned_data["member_id"].strip().upper()

    def _npi(self, name: str) -> str:
        value = self.cleaned_data[name].strip().replace(" ", "")
        if value and (problem := npi.npi_problem(value)):
            raise forms.ValidationError(problem)
        return value

    def clean_provider_npi(self):
        return self._npi("provider_npi")

    def clean_servicing_npi(self):
        return self._npi("servicing_npi")

    def clean_member_state(self):
        value = self.cleaned_data["member_state"].strip().upper()
        if value and value not in STATE_CODES:
            raise forms.ValidationError(f"{value} is not a US state or territory: enter its two-letter postal code, e.g. IL.")
        return value

    def clean_member_zip(self):
        value = self.cleaned_data["member_zip"].strip()
        if value and not ZIP_CODE.fullmatch(value):
            raise forms.ValidationError("Enter a ZIP code of 5 digits, or ZIP+4 such as 60690-0261.")
        return value

    def clean_member_date_of_birth(self):
        dob = self.cleaned_data["member_date_of_birth"]
        if dob is None:
            return dob
        today = timezone.localdate()
        if dob > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if dob.year < today.year - OLDEST_PLAUSIBLE_AGE_YEARS:
            raise forms.ValidationError(
                f"A date of birth before {today.year - OLDEST_PLAUSIBLE_AGE_YEARS} is not plausible."
            )
        return dob

    def clean_planned_date_of_service(self):
        dos = self.cleaned_data["planned_date_of_service"]
        if dos is None:
            return dos
        if self._post_service():
            if dos > self.received_on:
                raise forms.ValidationError(
                    "A post-service request is for a service already given: the date of service cannot "
                    f"be after the request was received ({long_date(self.received_on)})."
                )
        elif dos < self.received_on:
            raise forms.ValidationError(
                "A prior-authorization request is for a service not yet given: the planned date of "
                f"service cannot be before the request was received ({long_date(self.received_on)})."
            )
        if (dos - self.received_on).days > LONGEST_PLANNING_DAYS:
            raise forms.ValidationError(
                f"Check the year: {long_date(dos)} is more than a year after the request was received."
            )
        try:
            selectors.policy_version_in_effect(dos, with_criteria=False)
        except selectors.NoVersionInEffect as e:
            raise forms.ValidationError(f"Policy 0261 cannot judge this date: {e}.") from None
        return dos


class TransplantForm(StepForm):
    step = "transplant"

    def clean(self):
        cleaned = super().clean()
        self._check_not_future("transplant_date", "transplant date")
        self._check_order(
            "member_date_of_birth", "transplant_date", "transplant_date",
            "The transplant date cannot be before the member's date of birth ({date}).",
        )
        self._check_order(
            "transplant_date", "planned_date_of_service", "transplant_date",
            "The transplant date cannot be after the planned date of service ({date}).",
        )
        return cleaned


# What the indication question explains, by service (and, for an HPC boost, by whether the chimerism
# indication is offered).
INDICATION_HELP = {
    (questions.DLI, False): "The policy states that DLI is not used to promote engraftment or to enhance "
    "chimerism; its intent is not to restore blood cell production.",
    (questions.HPC, True): "HPC boost is covered to promote engraftment, or to enhance chimerism when a "
    "study shows less than 100% donor cells.",
    (questions.HPC, False): "Chimerism is offered only after an allogeneic transplant: donor chimerism is "
    "not measured after an autologous one.",
}


class IndicationForm(StepForm):
    step = "indication"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "indication" in self.fields:
            offered = {value for value, _label in self.fields["indication"].choices}
            chimerism = Indication.ENHANCE_CHIMERISM.value in offered
            self.fields["indication"].help_text = INDICATION_HELP.get((self.answers.get("service"), chimerism), "")

    def clean(self):
        cleaned = super().clean()
        self._check_not_future("chimerism_study_date", "chimerism study date")
        self._check_order(
            "transplant_date", "chimerism_study_date", "chimerism_study_date",
            "The chimerism study cannot be before the transplant ({date}).",
        )
        return cleaned


STEP_FORMS = {form.step: form for form in (RequestForm, TransplantForm, IndicationForm)}


class NotesForm(forms.Form):
    """The summary's notes: one per criterion shown, one overall, and why a physician should see a
    request that meets the criteria."""

    overall_note = forms.CharField(
        label="Overall note", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    referral_reason = forms.CharField(
        label="What needs a physician's judgment",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to send a request that meets the criteria to physician review. "
        "The physician sees it beside the criteria.",
    )

    def __init__(self, *args, criterion_ids: list[str], notes: dict, overall: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion_ids = criterion_ids
        for code in criterion_ids:
            self.fields[f"note_{code}"] = forms.CharField(
                label=f"Note on {code}",
                required=False,
                max_length=5000,
                initial=notes.get(code, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["overall_note"].initial = overall
        self.order_fields([f"note_{c}" for c in criterion_ids] + ["overall_note", "referral_reason"])

    def reason_is_optional(self) -> None:
        """The request goes to a physician anyway (decisions.require_referral_reason): the nurse's
        own reason is extra."""
        self.fields["referral_reason"].label = "Anything else the physician should know"
        self.fields["referral_reason"].help_text = "Optional. The physician sees it beside the criteria."

    def criterion_notes(self) -> dict:
        return {c: self.cleaned_data[f"note_{c}"].strip() for c in self.criterion_ids}

    def note_field(self, code: str):
        return self[f"note_{code}"]


CLINICAL_REASONS_FIELD = forms.CharField(
    label="Reasons for an adverse determination, beyond the criteria not met",
    widget=forms.Textarea(attrs={"rows": 4}),
    max_length=5000,
    required=False,
    help_text="Printed under “Why we made this decision” for the member. Required for an "
    "adverse determination when the request meets every criterion; one reason per paragraph, in "
    "plain language.",
)


class FieldsOnly:
    """For `{% crispy form %}` inside a page's own <form>: crispy writes the fields, not the tag."""

    disable_csrf = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = self.disable_csrf


def add_service_error(form: forms.Form, error) -> None:
    """A service's refusal, beside the field it names (services.ReviewStateError.field)."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error))


class DirectorDecisionForm(FieldsOnly, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            (workflow.UPHOLD, "Uphold: adverse determination (not medically necessary)"),
            (workflow.OVERTURN, "Overturn: approve the request"),
        ],
        widget=forms.RadioSelect,
    )
    peer_to_peer = forms.ChoiceField(
        label="Peer-to-peer conversation with the requesting provider",
        choices=[c for c in Determination.PeerToPeer.choices if c[0]],
        widget=forms.RadioSelect,
    )
    rationale = forms.CharField(
        label="Clinical rationale",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="Required either way. An adverse determination letter prints it for the member "
        "and the provider, so write it in plain language.",
    )
    clinical_reasons = CLINICAL_REASONS_FIELD
    disable_csrf = True  # the page's own form carries the token

    def clean_rationale(self):
        rationale = self.cleaned_data["rationale"].strip()
        if not rationale:
            raise forms.ValidationError("This field is required.")
        return rationale


class CorrectionForm(FieldsOnly, forms.Form):
    outcome = forms.ChoiceField(
        label="Corrected decision", choices=Determination.Outcome.choices, widget=forms.RadioSelect
    )
    basis = forms.ChoiceField(
        label="What the correction rests on",
        choices=Determination.Basis.choices,
        initial=Determination.Basis.MEDICAL_NECESSITY,
        widget=forms.RadioSelect,
        help_text="Administrative: the determination was issued for the wrong member or the wrong "
        "service. A Medicare Advantage approval can be withdrawn only administratively "
        "(42 CFR 422.138(c)).",
    )
    reason = forms.CharField(
        label="Reason for the correction",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Printed on the new letter.",
    )
    clinical_reasons = CLINICAL_REASONS_FIELD
    rationale = forms.CharField(
        label="Clinical rationale", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    disable_csrf = True  # the page's own form carries the token


class ReportPeriodForm(forms.Form):
    """A period of whole days, in the plan's time zone, both ends included."""

    MAX_DAYS = 3 * 366

    start = forms.DateField(label="From", widget=DATE_WIDGET)
    end = forms.DateField(label="To (inclusive)", widget=DATE_WIDGET)

    # Nothing is decided in the future, and the report reads up to the day after the end, which
    # does not exist after 9999-12-31.
    def clean_start(self):
        return self._up_to_today(self.cleaned_data["start"], "The period cannot start after today.")

    def clean_end(self):
        return self._up_to_today(self.cleaned_data["end"], "The period cannot end after today.")

    @staticmethod
    def _up_to_today(day, message: str):
        if day > timezone.localdate():
            raise forms.ValidationError(message)
        return day

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end of the period cannot be before its start.")
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("end", "Choose a period of three years or less.")
        return cleaned

    @classmethod
    def from_query(cls, query, default_days: int) -> "ReportPeriodForm":
        """The period a report's page asked for, or the last `default_days` days to today."""
        if "start" in query or "end" in query:
            return cls(query)
        today = timezone.localdate()
        return cls({"start": (today - dt.timedelta(days=default_days - 1)).isoformat(), "end": today.isoformat()})

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The valid period as the moments it runs from and up to (the day after its end)."""
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.cleaned_data["start"], dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.cleaned_data["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end


# --- The clock and documents ---------------------------------------------------------------------------


class InformationRequestForm(forms.Form):
    needed = forms.MultipleChoiceField(
        label="What is needed", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="The records the policy's criteria rest on; tick each the request lacks.",
    )
    detail = forms.CharField(
        label="Anything else needed, and why", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Printed on the notice as written.",
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needed"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("needed") and not cleaned.get("detail", "").strip() and not self.errors:
            self.add_error("needed", "Tick a record or describe what is needed.")
        return cleaned


class InformationReceivedForm(forms.Form):
    note = forms.CharField(
        label="What arrived", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For the review's history, e.g. “Bone marrow report of May 2 faxed by the transplant program.”",
    )


class ExtensionForm(forms.Form):
    reason = forms.ChoiceField(label="Why the extension", widget=forms.RadioSelect)
    justification = forms.CharField(
        label="Explanation printed on the notice", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = choices


class DocumentForm(forms.Form):
    file = forms.FileField(label="Document (PDF or image, up to 10 MB)")
    description = forms.CharField(label="Description", required=False, max_length=200)


# --- Appeals -----------------------------------------------------------------------------------------


class AppealForm(FieldsOnly, forms.Form):
    requester = forms.ChoiceField(label="Who is appealing", choices=Appeal.Requester.choices, widget=forms.RadioSelect)
    representative_name = forms.CharField(label="Representative's name", required=False, max_length=200)
    appointment_on_file = forms.BooleanField(
        label="The appointment of representative form is on file", required=False,
        help_text="For Medicare Advantage, form CMS-1696 or an equivalent signed by the member.",
    )
    received_at = forms.DateTimeField(
        label="Received", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], help_text="The date and time the appeal arrived.",
    )
    channel = forms.ChoiceField(label="Received by", choices=Appeal.Channel.choices, widget=forms.RadioSelect)
    member_asks_expedited = forms.BooleanField(label="The member asks for an expedited (fast) appeal", required=False)
    physician_says_urgent = forms.BooleanField(
        label="The member's physician says the standard time could seriously jeopardize the member's life, "
        "health or ability to regain maximum function", required=False,
        help_text="A physician's word makes the appeal expedited without further question.",
    )
    new_information = forms.CharField(
        label="New information sent with the appeal", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class GoodCauseForm(FieldsOnly, forms.Form):
    good_cause = forms.CharField(
        label="Good cause for the late appeal", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the member was in hospital, or did not receive the letter.",
    )


class AppealDecisionForm(FieldsOnly, forms.Form):
    outcome = forms.ChoiceField(
        label="Decision on the appeal", widget=forms.RadioSelect,
        choices=[("overturned", "Overturn: approve the request"), ("upheld", "Uphold: the service is not approved")],
    )
    rationale = forms.CharField(
        label="Your rationale, afresh", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Decide on the whole record, the new information included, without deference to the first decision.",
    )
    clinical_reasons = forms.CharField(
        label="Clinical reasons, for the member (when upholding)", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when the appeal's answers meet every criterion; printed in the letter.",
    )
    consultant_name = forms.CharField(label="Physician consulted", max_length=200,
                                      help_text="In the treating physician's field, not consulted on the first decision.")
    consultant_specialty = forms.ChoiceField(label="Consultant's specialty", choices=Appeal.Specialty.choices)


class OutsideDecisionForm(FieldsOnly, forms.Form):
    outcome = forms.ChoiceField(label="Decision", choices=Appeal.Outside.choices[1:], widget=forms.RadioSelect)
    decided_at = forms.DateTimeField(
        label="Decided", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class ExternalReviewForm(FieldsOnly, forms.Form):
    requested_at = forms.DateTimeField(
        label="Requested", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    iro_name = forms.CharField(label="Independent review organization assigned", max_length=200)
    expedited = forms.BooleanField(label="Expedited external review (decided within 72 hours)", required=False)


def _languages() -> list[tuple[str, str]]:
    """English, then the languages of the plan's taglines, by name."""
    return [("en", "English"), *sorted(((t.code, t.language) for t in taglines.TAGLINES.values()), key=lambda c: c[1])]


NOT_ASKED_CHOICE = ("", "Not asked")
DECLINED_CHOICE = (equity.DECLINED, "Declined to answer")


class DemographicsForm(FieldsOnly, forms.Form):
    """The member's own answers, when asked: every field optional, "Not asked" unless given."""

    race_ethnicity = forms.MultipleChoiceField(
        label="Race and ethnicity (select all that the member gives)",
        choices=[*equity.RACE_ETHNICITY, DECLINED_CHOICE],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave every box empty if the member was not asked.",
    )
    spoken_language = forms.ChoiceField(label="Preferred spoken language", required=False)
    written_language = forms.ChoiceField(label="Preferred written language", required=False)
    sex = forms.ChoiceField(
        label="Sex", choices=[NOT_ASKED_CHOICE, *equity.SEX, DECLINED_CHOICE], widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        languages = [NOT_ASKED_CHOICE, DECLINED_CHOICE, *_languages()]
        self.fields["spoken_language"].choices = languages
        self.fields["written_language"].choices = languages

    def clean_race_ethnicity(self):
        given = self.cleaned_data["race_ethnicity"]
        if equity.DECLINED in given and len(given) > 1:
            raise forms.ValidationError("Choose categories, or \u201cDeclined to answer\u201d, not both.")
        return given
