"""The step pages write their inputs as Django would: QuestionRenderer's text-like inputs and text
areas are Django's HTML exactly, and the radios and check boxes of the question template
(templates/coverage_app/forms/question.html) post the same names and values, checked alike and
labelled alike, as Django's own widgets."""

from html.parser import HTMLParser

import pytest
from django.forms.renderers import TemplatesSetting
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage_app.form_rendering import QUESTION_RENDERER
from coverage_app.forms import STEP_FORMS
from coverage_app.lib import questions

DJANGO = TemplatesSetting()
ANSWERS = {"service": questions.HPC, "had_transplant": True, "transplant_type": "allogeneic"}


def fields(form_class, fieldset: bool) -> list[str]:
    return [name for name, f in form_class(answers=ANSWERS).fields.items() if f.widget.use_fieldset is fieldset]


def both(form_class, data):
    ours = form_class(data, answers=ANSWERS, complete=True)
    theirs = form_class(data, answers=ANSWERS, complete=True)
    theirs.renderer = DJANGO
    ours.is_valid(), theirs.is_valid()
    return ours, theirs


WRITTEN = [(step, name) for step, cls in STEP_FORMS.items() for name in fields(cls, fieldset=False)]
CHOSEN = [(step, name) for step, cls in STEP_FORMS.items() for name in fields(cls, fieldset=True)]


def test_the_step_forms_use_it_and_it_covers_every_kind_of_text_input():
    assert all(form_class(answers=ANSWERS).renderer is QUESTION_RENDERER for form_class in STEP_FORMS.values())
    names = {name for _step, name in WRITTEN}
    assert {"member_name", "member_date_of_birth", "donor_chimerism_percent", "indication_detail",
            "diagnosis_codes"} <= names
    kinds = {questions.BY_NAME[name].kind for name in names}
    assert kinds == {questions.Kind.TEXT, questions.Kind.DATE, questions.Kind.DECIMAL, questions.Kind.LONG_TEXT,
                     questions.Kind.CODES, questions.Kind.NUMBER}


@pytest.mark.parametrize("step, name", WRITTEN)
def test_it_matches_django_when_unbound_and_bound(db, step, name):
    ours, theirs = both(STEP_FORMS[step], None)
    assert ours[name].as_widget() == theirs[name].as_widget()
    ours, theirs = both(STEP_FORMS[step], {name: ""})
    assert ours[name].as_widget() == theirs[name].as_widget()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(WRITTEN), value=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)
       | st.sampled_from(['"><script>alert(1)</script>', "O'Brien & Sons", "85.5", "2026-02-30", " "]))
def test_it_matches_django_for_any_value(db, case, value):
    step, name = case
    ours, theirs = both(STEP_FORMS[step], {name: value.replace("\x00", "")})
    assert ours[name].as_widget() == theirs[name].as_widget()


class Inputs(HTMLParser):
    """The inputs of some HTML, and the text of the label for each."""

    def __init__(self, html: str):
        super().__init__()
        self.inputs, self.labels, self._for = [], {}, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input":
            self.inputs.append((a.get("type"), a.get("name"), a.get("value"), a.get("id"), "checked" in a))
            if self._for is True:  # Django wraps the input in its label
                self._for = a.get("id")
        elif tag == "label":
            self._for = a.get("for") or True

    def handle_data(self, data):
        if isinstance(self._for, str) and data.strip():
            self.labels[self._for] = self.labels.get(self._for, "") + data.strip()

    def handle_endtag(self, tag):
        if tag == "label":
            self._for = None


def posted_values(form_class, name) -> list:
    field = form_class(answers=ANSWERS).fields[name]
    values = [str(v) for v, _label in field.choices]
    return [[], *([v] for v in values), values[:2]] if field.widget.allow_multiple_selected else [[], *values]


@pytest.mark.parametrize("step, name", CHOSEN)
def test_the_template_writes_radios_and_check_boxes_as_django_would(db, step, name):
    for value in posted_values(STEP_FORMS[step], name):
        ours, theirs = both(STEP_FORMS[step], {name: value})
        mine, django = Inputs(ours[name].as_field_group()), Inputs(theirs[name].as_widget())
        assert mine.inputs == django.inputs, (name, value)
        assert mine.labels == django.labels, (name, value)
