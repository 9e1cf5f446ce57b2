from django.db import migrations, models

# Credentials were free text ("MD, Hematology"): the degree and specialty are read from it. No
# license was recorded, so a physician must have one added before issuing a determination again.
DEGREES = {"MD": "MD", "DO": "DO", "RN": "RN", "LPN": "LPN", "PHARMD": "PharmD"}


def degree_and_specialty(credentials: str) -> tuple[str, str]:
    """("MD", "Hematology") from "MD, Hematology"; what is not a known degree stays whole."""
    first, _, rest = credentials.partition(",")
    degree = DEGREES.get(first.strip().replace(".", "").upper(), "other")
    return degree, (rest.strip() if degree != "other" else credentials.strip())


def read_credentials(apps, schema_editor):
    ReviewerProfile = apps.get_model("coverage_app", "ReviewerProfile")
    for profile in ReviewerProfile.objects.exclude(credentials=""):
        profile.degree, profile.specialty = degree_and_specialty(profile.credentials)
        profile.save(update_fields=["degree", "specialty"])


class Migration(migrations.Migration):

    dependencies = [
        ('coverage_app', '0015_protect_the_record'),
    ]

    operations = [
        migrations.AddField(
            model_name='determination',
            name='basis',
            field=models.CharField(choices=[('medical_necessity', 'Medical necessity'), ('administrative', 'Administrative (wrong member, wrong service)')], default='medical_necessity', max_length=30),
        ),
        migrations.AddField(
            model_name='determination',
            name='clinical_reasons',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='historicaldetermination',
            name='basis',
            field=models.CharField(choices=[('medical_necessity', 'Medical necessity'), ('administrative', 'Administrative (wrong member, wrong service)')], default='medical_necessity', max_length=30),
        ),
        migrations.AddField(
            model_name='historicaldetermination',
            name='clinical_reasons',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='historicalreview',
            name='referral_reason',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='review',
            name='referral_reason',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='reviewerprofile',
            name='degree',
            field=models.CharField(blank=True, choices=[('MD', 'MD (doctor of medicine)'), ('DO', 'DO (doctor of osteopathic medicine)'), ('RN', 'RN (registered nurse)'), ('LPN', 'LPN (licensed practical nurse)'), ('PharmD', 'PharmD (doctor of pharmacy)'), ('other', 'Other')], max_length=10),
        ),
        migrations.AddField(
            model_name='reviewerprofile',
            name='license_number',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name='reviewerprofile',
            name='license_state',
            field=models.CharField(blank=True, choices=[('AL', 'Alabama'), ('AK', 'Alaska'), ('AZ', 'Arizona'), ('AR', 'Arkansas'), ('CA', 'California'), ('CO', 'Colorado'), ('CT', 'Connecticut'), ('DE', 'Delaware'), ('DC', 'District of Columbia'), ('FL', 'Florida'), ('GA', 'Georgia'), ('HI', 'Hawaii'), ('ID', 'Idaho'), ('IL', 'Illinois'), ('IN', 'Indiana'), ('IA', 'Iowa'), ('KS', 'Kansas'), ('KY', 'Kentucky'), ('LA', 'Louisiana'), ('ME', 'Maine'), ('MD', 'Maryland'), ('MA', 'Massachusetts'), ('MI', 'Michigan'), ('MN', 'Minnesota'), ('MS', 'Mississippi'), ('MO', 'Missouri'), ('MT', 'Montana'), ('NE', 'Nebraska'), ('NV', 'Nevada'), ('NH', 'New Hampshire'), ('NJ', 'New Jersey'), ('NM', 'New Mexico'), ('NY', 'New York'), ('NC', 'North Carolina'), ('ND', 'North Dakota'), ('OH', 'Ohio'), ('OK', 'Oklahoma'), ('OR', 'Oregon'), ('PA', 'Pennsylvania'), ('RI', 'Rhode Island'), ('SC', 'South Carolina'), ('SD', 'South Dakota'), ('TN', 'Tennessee'), ('TX', 'Texas'), ('UT', 'Utah'), ('VT', 'Vermont'), ('VA', 'Virginia'), ('WA', 'Washington'), ('WV', 'West Virginia'), ('WI', 'Wisconsin'), ('WY', 'Wyoming'), ('AS', 'American Samoa'), ('GU', 'Guam'), ('MP', 'Northern Mariana Islands'), ('PR', 'Puerto Rico'), ('VI', 'U.S. Virgin Islands')], help_text='The state that issued the license.', max_length=2),
        ),
        migrations.AddField(
            model_name='reviewerprofile',
            name='specialty',
            field=models.CharField(blank=True, help_text='As printed on letters, e.g. "Hematology/Oncology".', max_length=100),
        ),
        migrations.AlterField(
            model_name='determination',
            name='outcome',
            field=models.CharField(choices=[('approved', 'Approved'), ('adverse', 'Adverse determination')], max_length=20),
        ),
        migrations.AlterField(
            model_name='historicaldetermination',
            name='outcome',
            field=models.CharField(choices=[('approved', 'Approved'), ('adverse', 'Adverse determination')], max_length=20),
        ),
        migrations.RunPython(read_credentials, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='reviewerprofile',
            name='credentials',
        ),
    ]
