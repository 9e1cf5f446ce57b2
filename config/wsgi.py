import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Load the ICD-10-CM code set now, not in a reviewer's first request.
from coverage_app.lib import icd10  # noqa: E402

icd10.warm()
