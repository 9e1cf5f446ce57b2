"""A reference number in a letter's free text never breaks at its hyphen: a reader (and a search
of the PDF) sees "A261129-H9L4A4", never "A261129-" at one line's end and "H9L4A4" on the next."""

from coverage_app.templatetags.references import keep_references_whole


def test_it_wraps_each_reference_number_and_escapes_the_rest():
    text = "We overturned our decision on your appeal A261129-H9L4A4 <b>now</b>; see D261129-ABC123, UR-261129-XY7Z2."
    html = keep_references_whole(text)
    assert '<span class="ref">A261129-H9L4A4</span>' in html
    assert '<span class="ref">D261129-ABC123</span>' in html and '<span class="ref">UR-261129-XY7Z2</span>' in html
    assert "&lt;b&gt;now&lt;/b&gt;" in html and "<b>" not in html


def test_the_letter_keeps_an_appeals_number_whole(upheld, director_with_credentials):
    from coverage_app import services

    d = services.determination_correct(determination=upheld, user=director_with_credentials, outcome="approved",
                                       reason="We overturned our decision on your appeal A261129-H9L4A4.",
                                       rationale="Meets the policy.")
    assert '<span class="ref">A261129-H9L4A4</span>' in d.letter.html
