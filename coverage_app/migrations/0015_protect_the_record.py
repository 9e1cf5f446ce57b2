"""On PostgreSQL, the database itself keeps the record, whatever code or person writes to it:

- a finished review (approved, adverse determination) keeps its answers and is never deleted; its
  status may change only to follow its determination in force (a correction issues a new
  determination first, then the review follows it);
- the review's events and the access log are only ever added to;
- a policy keeps its number (the app, its versions and its decisions find it by that number);
- TRUNCATE of these tables and of determinations and letters is refused. pytest-django empties
  the test database between browser tests with TRUNCATE: the test suite sets
  `coverage_app.allow_truncate` on its own database (tests/conftest.py); no other does.

Issued determinations and letters refuse UPDATE and DELETE since migrations 0006 and 0011.
"""

from django.db import migrations

FINISHED = "('approved', 'adverse_determination')"
APPEND_ONLY = ("coverage_app_reviewevent", "coverage_app_accesslog")
NO_TRUNCATE = (
    "coverage_app_review",
    "coverage_app_determination",
    "coverage_app_letter",
    *APPEND_ONLY,
)
# Columns a finished review may still change: its status (to follow its determination in force)
# and the bookkeeping that every save touches.
MAY_CHANGE = ("status", "revision", "updated_at")

PROTECT_SQL = f"""
CREATE FUNCTION coverage_app_finished_review_kept() RETURNS trigger AS $$
DECLARE
    in_force text;  -- the status the determination in force gives the review
BEGIN
    IF OLD.status NOT IN {FINISHED} THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a finished review cannot be deleted';
    END IF;
    IF (to_jsonb(NEW) - {" - ".join(f"'{c}'" for c in MAY_CHANGE)})
       IS DISTINCT FROM (to_jsonb(OLD) - {" - ".join(f"'{c}'" for c in MAY_CHANGE)}) THEN
        RAISE EXCEPTION 'a finished review cannot be changed: its answers stand as they were judged';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        SELECT CASE d.outcome WHEN 'approved' THEN 'approved' WHEN 'adverse' THEN 'adverse_determination' END
          INTO in_force
          FROM coverage_app_determination d
         WHERE d.review_id = NEW.id
           AND NOT EXISTS (SELECT 1 FROM coverage_app_determination s WHERE s.supersedes_id = d.id)
         ORDER BY d.decided_at DESC, d.id DESC LIMIT 1;
        IF NEW.status IS DISTINCT FROM in_force THEN
            RAISE EXCEPTION 'a finished review cannot be changed: its status follows its determination in force; issue a correction';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER finished_review_kept BEFORE UPDATE OR DELETE ON coverage_app_review
    FOR EACH ROW EXECUTE FUNCTION coverage_app_finished_review_kept();

CREATE FUNCTION coverage_app_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is a record: rows are added, never changed or deleted', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
{"".join(f'''
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION coverage_app_append_only();''' for table in APPEND_ONLY)}

CREATE FUNCTION coverage_app_policy_number_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a policy''s number cannot be changed: its versions and decisions are filed under it';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER policy_number_kept BEFORE UPDATE OF number ON coverage_app_coveragepolicy
    FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number)
    EXECUTE FUNCTION coverage_app_policy_number_kept();

CREATE FUNCTION coverage_app_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('coverage_app.allow_truncate', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION '% cannot be truncated: it is part of the record', TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
{"".join(f'''
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION coverage_app_no_truncate();''' for table in NO_TRUNCATE)}
"""

UNPROTECT_SQL = f"""
DROP TRIGGER IF EXISTS finished_review_kept ON coverage_app_review;
DROP FUNCTION IF EXISTS coverage_app_finished_review_kept();
{"".join(f"DROP TRIGGER IF EXISTS append_only ON {table};" for table in APPEND_ONLY)}
DROP FUNCTION IF EXISTS coverage_app_append_only();
DROP TRIGGER IF EXISTS policy_number_kept ON coverage_app_coveragepolicy;
DROP FUNCTION IF EXISTS coverage_app_policy_number_kept();
{"".join(f"DROP TRIGGER IF EXISTS no_truncate ON {table};" for table in NO_TRUNCATE)}
DROP FUNCTION IF EXISTS coverage_app_no_truncate();
"""


def protect(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PROTECT_SQL, params=None)  # the SQL has % of its own


def unprotect(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNPROTECT_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("coverage_app", "0014_open_review_indexes")]

    operations = [migrations.RunPython(protect, unprotect)]
