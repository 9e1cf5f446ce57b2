"""The questionnaire's forms, one per step. Each asks only what applies given the earlier steps;
questions that depend on an answer in the same step carry `data-show-when`, which the page's script
uses to show or hide them in place (without JavaScript they stay visible and say when they apply)."""

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils import timezone

from coverage_app import selectors
from coverage_app.form_rendering import QUESTION_RENDERER
from coverage_app.lib import icd10, npi, questionnaire
from coverage_app.lib.usdates import long_date
from coverage_app.models import Determination, Review

OLDEST_PLAUSIBLE_AGE_YEARS = 120
# No date a request holds (birth, transplant, study, service) comes before this: a year such as
# 0001 is a slip of the keyboard, not a date.
EARLIEST_PLAUSIBLE_DATE = dt.date(1900, 1, 1)
# A prior-authorization request is for a service planned within a year of asking.
LONGEST_PLANNING_DAYS = 366
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def yes_no_field(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=[(True, "Yes"), (False, "No")],
        coerce=lambda v: v in (True, "True"),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


def radio_field(label: str, choices, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, help_text=help_text, required=False, widget=forms.RadioSelect
    )


def show_when(controller: str, *values: str, fields: tuple[str, ...]) -> Div:
    return Div(*fields, data_show_when=f"{controller}={'|'.join(values)}")


class StepForm(forms.ModelForm):
    """A step of the questionnaire.

    `answers` are the review's saved answers; `complete` is False when the reviewer is only saving
    a draft (Back), when questions may be left unanswered but a given answer must still be valid.
    """

    always_required: tuple[str, ...] = ()
    default_renderer = QUESTION_RENDERER

    def __init__(self, *args, answers: dict, complete: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = answers
        self.complete = complete
        for name, field in self.fields.items():
            field.required = complete and name in self.always_required
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.field_template = "coverage_app/forms/question.html"
        # The question template prints the widget as Django renders it: give it Bootstrap's class.
        for field in self.fields.values():
            if not field.widget.use_fieldset:
                field.widget.attrs["class"] = "form-control"

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
            for name in self.fields:
                if (
                    name not in self.always_required
                    and name in questionnaire.EMPTY
                    and questionnaire.applies(name, merged)
                    and not questionnaire.is_answered(cleaned.get(name))
                    and name not in self.errors
                ):
                    self.add_error(name, "Answer this question.")
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
    always_required = questionnaire.STEPS[0].fields

    line_of_business = radio_field("Line of business", Review.LineOfBusiness.choices)
    service = radio_field("Service requested", Review.Service.choices)
    urgency = radio_field(
        "Urgency",
        Review.Urgency.choices,
        help_text="Urgent (Medicare: expedited) requests are due in 72 hours; standard ones in "
        "15 calendar days (commercial) or 7 (Medicare Advantage).",
    )
    diagnosis_codes = forms.CharField(
        label="Diagnosis (ICD-10-CM codes)",
        required=False,
        help_text="One or more billable codes, separated by commas or spaces, e.g. C92.02.",
    )

    class Meta:
        model = Review
        fields = questionnaire.STEPS[0].fields
        labels = {
            "member_name": "Member name",
            "member_id": "Member ID",
            "member_date_of_birth": "Member date of birth",
            "requesting_provider": "Requesting provider",
            "provider_npi": "Provider NPI",
            "planned_date_of_service": "Planned date of service",
        }
        help_texts = {
            "provider_npi": "The provider's 10-digit National Provider Identifier.",
            "planned_date_of_service": "Coverage is judged against the policy version in effect "
            "on this date.",
        }
        widgets = {
            "member_date_of_birth": DATE_WIDGET,
            "planned_date_of_service": DATE_WIDGET,
            "member_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "provider_npi": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "10"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.diagnosis_codes:
            if not self.is_bound:
                self.initial["diagnosis_codes"] = ", ".join(self.instance.diagnosis_codes)
            saved = "; ".join(
                f"{d.code} {d.description}" for d in map(icd10.describe, self.instance.diagnosis_codes)
            )
            self.fields["diagnosis_codes"].help_text += f" Saved: {saved}."
        self.helper.layout = Layout(*self.Meta.fields)

    def clean_member_id(self):
        return self.cleaned_data["member_id"].strip().upper()

    def clean_provider_npi(self):
        value = self.cleaned_data["provider_npi"].strip().replace(" ", "")
        if value and (problem := npi.npi_problem(value)):
            raise forms.ValidationError(problem)
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

    def clean(self):
        cleaned = super().clean()
        self._check_order(
            "member_date_of_birth", "transplant_date", "member_date_of_birth",
            "The date of birth cannot be after the transplant ({date}).",
        )
        self._check_order(
            "transplant_date", "planned_date_of_service", "planned_date_of_service",
            "The date of service cannot be before the transplant ({date}).",
        )
        return cleaned

    def received_on(self) -> dt.date:
        """The day the request was received: today for a request being entered now."""
        received = self.instance.received_at
        return timezone.localdate(received) if received else timezone.localdate()

    def clean_diagnosis_codes(self):
        codes = icd10.split_codes(self.cleaned_data["diagnosis_codes"])
        problems = [p for code, typed in codes.items() if (p := icd10.code_problem(code, typed))]
        if problems:
            raise forms.ValidationError(problems)
        if self.complete and not codes:
            raise forms.ValidationError("Give at least one diagnosis code.")
        return list(codes)

    def clean_planned_date_of_service(self):
        dos = self.cleaned_data["planned_date_of_service"]
        if dos is None:
            return dos
        received = self.received_on()
        if dos < received:
            raise forms.ValidationError(
                "A prior-authorization request is for a service not yet given: the planned date of "
                f"service cannot be before the request was received ({long_date(received)})."
            )
        if (dos - received).days > LONGEST_PLANNING_DAYS:
            raise forms.ValidationError(
                f"Check the year: {long_date(dos)} is more than a year after the request was received."
            )
        try:
            selectors.policy_version_in_effect(dos, with_criteria=False)
        except selectors.NoVersionInEffect as e:
            raise forms.ValidationError(f"Policy 0261 cannot judge this date: {e}.") from None
        return dos


class TransplantForm(StepForm):
    always_required = ("had_transplant",)

    had_transplant = yes_no_field("Has the member had a hematopoietic stem cell transplant (HSCT)?")
    transplant_type = radio_field(
        "Type of transplant",
        Review.TransplantType.choices,
        help_text="Asked when the member has had a transplant.",
    )
    same_donor = yes_no_field(
        "Will the cells come from the same donor as the transplant?",
        help_text="Asked for an allogeneic transplant. The policy states that the donor source for "
        "DLI and HPC boost is the same as that for the transplant.",
    )

    class Meta:
        model = Review
        fields = questionnaire.STEPS[1].fields
        labels = {"transplant_date": "Date of the transplant"}
        help_texts = {"transplant_date": "Asked when the member has had a transplant."}
        widgets = {"transplant_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "had_transplant",
            show_when("had_transplant", "True", fields=("transplant_type", "transplant_date")),
            show_when("transplant_type", "allogeneic", fields=("same_donor",)),
        )

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


class IndicationForm(StepForm):
    always_required = ("indication",)

    hematologic_malignancy = yes_no_field(
        "Is the disease being treated a hematologic malignancy (a cancer of the blood or bone "
        "marrow)?"
    )
    indication = radio_field("Indication", [])
    indication_detail = forms.CharField(
        label="Describe the other reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Asked when the indication is another reason.",
    )
    graft_function_evidence = forms.MultipleChoiceField(
        label="Evidence of poor graft function",
        choices=Review.GraftEvidence.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Asked for engraftment. Tick all that apply.",
    )
    chimerism_specimen = radio_field("Specimen tested", Review.Specimen.choices)

    class Meta:
        model = Review
        fields = questionnaire.STEPS[2].fields
        labels = {
            "donor_chimerism_percent": "Donor chimerism (% donor cells)",
            "chimerism_study_date": "Date of the chimerism study",
        }
        help_texts = {
            "donor_chimerism_percent": "From 0 to 100, one decimal place, e.g. 85.5.",
        }
        widgets = {
            "chimerism_study_date": DATE_WIDGET,
            "donor_chimerism_percent": forms.NumberInput(
                attrs={"step": "0.1", "min": "0", "max": "100", "inputmode": "decimal"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        service = self.answers.get("service")
        choices = questionnaire.indication_choices(self.answers)
        labels = dict(Review.Indication.choices)
        self.fields["indication"].choices = [(c, labels[c]) for c in choices]
        if service == questionnaire.DLI:
            self.fields["indication"].help_text = (
                "The policy states that DLI is not used to promote engraftment or to enhance "
                "chimerism; its intent is not to restore blood cell production."
            )
            self.always_required = ("hematologic_malignancy", "indication")
            self.fields["hematologic_malignancy"].required = self.complete
        else:
            del self.fields["hematologic_malignancy"]
        chimerism = questionnaire.I.ENHANCE_CHIMERISM.value in choices
        if service == questionnaire.HPC:
            self.fields["indication"].help_text = (
                "Chimerism is offered only after an allogeneic transplant: donor chimerism is not "
                "measured after an autologous one."
                if not chimerism
                else "HPC boost is covered to promote engraftment, or to enhance chimerism when a "
                "study shows less than 100% donor cells."
            )
        else:
            del self.fields["graft_function_evidence"]
        if not chimerism:
            for name in ("donor_chimerism_percent", "chimerism_study_date", "chimerism_specimen"):
                del self.fields[name]
        else:
            for name in ("donor_chimerism_percent", "chimerism_study_date", "chimerism_specimen"):
                self.fields[name].help_text = (
                    self.fields[name].help_text or "Asked when the indication is chimerism."
                )
        layout = [name for name in ("hematologic_malignancy", "indication") if name in self.fields]
        layout.append(show_when("indication", "other", fields=("indication_detail",)))
        if "graft_function_evidence" in self.fields:
            layout.append(
                show_when("indication", "promote_engraftment", fields=("graft_function_evidence",))
            )
        if chimerism:
            layout.append(
                show_when(
                    "indication",
                    "enhance_chimerism",
                    fields=("donor_chimerism_percent", "chimerism_study_date", "chimerism_specimen"),
                )
            )
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        self._check_not_future("chimerism_study_date", "chimerism study date")
        self._check_order(
            "transplant_date", "chimerism_study_date", "chimerism_study_date",
            "The chimerism study cannot be before the transplant ({date}).",
        )
        return cleaned


STEP_FORMS = {"request": RequestForm, "transplant": TransplantForm, "indication": IndicationForm}


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

    def __init__(
        self, *args, criterion_ids: list[str], notes: dict, overall: str, nurse_may_approve: bool = True, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.criterion_ids = criterion_ids
        if not nurse_may_approve:
            # It goes to a physician anyway (decisions.require_referral_reason): a reason is extra.
            self.fields["referral_reason"].label = "Anything else the physician should know"
            self.fields["referral_reason"].help_text = "Optional. The physician sees it beside the criteria."
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


def add_service_error(form: forms.Form, error) -> None:
    """A service's refusal, beside the field it names (services.ReviewStateError.field)."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error))


class DirectorDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("uphold", "Uphold: adverse determination (not medically necessary)"),
            ("overturn", "Overturn: approve the request"),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_rationale(self):
        rationale = self.cleaned_data["rationale"].strip()
        if not rationale:
            raise forms.ValidationError("This field is required.")
        return rationale


class CorrectionForm(forms.Form):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


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
