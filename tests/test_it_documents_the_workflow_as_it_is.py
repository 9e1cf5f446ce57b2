"""The README's table of how a review moves is the workflow's own (coverage_app/workflow.py): a
change to one without the other fails here."""

from coverage_app import workflow
from coverage_app.models import Review
from tests.conftest import PROJECT


def table() -> str:
    status = dict(Review.Status.choices)
    rows = ["| action | from | to | who |", "| --- | --- | --- | --- |"]
    for move in workflow.MOVES.values():
        sources = ", ".join(status[s].lower() for s in move.sources)
        target = status[move.target].lower() if move.target else "(unchanged)"
        rows.append(f"| {move.action.replace('_', ' ')} | {sources} | {target} | {move.role.lower()} |")
    return "\n".join(rows)


def test_the_readme_shows_the_workflow_table():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert table() in readme, "README.md should hold:\n" + table()
