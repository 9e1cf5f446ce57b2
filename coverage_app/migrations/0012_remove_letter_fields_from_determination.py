# Separate from 0011 so the copied rows are committed before the columns go (PostgreSQL refuses
# to alter a table with pending trigger events in the same transaction).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("coverage_app", "0011_letters")]

    operations = [
        migrations.RemoveField(
            model_name='determination',
            name='letter_html',
        ),
        migrations.RemoveField(
            model_name='determination',
            name='letter_pdf',
        ),
        migrations.RemoveField(
            model_name='determination',
            name='letter_sha256',
        ),
        migrations.RemoveField(
            model_name='historicaldetermination',
            name='letter_sha256',
        ),
    ]
