"""QuestionRenderer writes exactly the HTML Django's own renderer writes for the same widget."""

import pytest
from django.forms.renderers import DjangoTemplates
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage_app.form_rendering import QUESTION_RENDERER
from coverage_app.forms import STEP_FORMS
from coverage_app.lib import questionnaire

DJANGO = DjangoTemplates()
ANSWERS = {
    "service": questionnaire.HPC,
    "had_transplant": True,
    "transplant_type": "allogeneic",
}


def written_fields(form_class):
    form = form_class(answers=ANSWERS)
    return [name for name, f in form.fields.items() if not f.widget.use_fieldset]


def both(form_class, data, name):
    ours = form_class(data, answers=ANSWERS, complete=True)
    theirs = form_class(data, answers=ANSWERS, complete=True, renderer=DJANGO)
    ours.is_valid(), theirs.is_valid()
    return ours[name].as_widget(), theirs[name].as_widget()


CASES = [(step, name) for step, cls in STEP_FORMS.items() for name in written_fields(cls)]


def test_it_covers_the_text_date_number_and_textarea_questions():
    assert all(form_class(answers=ANSWERS).renderer is QUESTION_RENDERER for form_class in STEP_FORMS.values())
    names = {name for _step, name in CASES}
    assert {"member_name", "member_date_of_birth", "donor_chimerism_percent", "indication_detail"} <= names


@pytest.mark.parametrize("step, name", CASES)
def test_it_matches_django_when_unbound_and_bound(db, step, name):
    form_class = STEP_FORMS[step]
    assert form_class(answers=ANSWERS)[name].as_widget() == form_class(
        answers=ANSWERS, renderer=DJANGO
    )[name].as_widget()
    ours, theirs = both(form_class, {name: ""}, name)
    assert ours == theirs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(CASES), value=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)
       | st.sampled_from(['"><script>alert(1)</script>', "O'Brien & Sons", "85.5", "2026-02-30", " "]))
def test_it_matches_django_for_any_value(db, case, value):
    step, name = case
    ours, theirs = both(STEP_FORMS[step], {name: value.replace("\x00", "")}, name)
    assert ours == theirs
