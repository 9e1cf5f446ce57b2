"""`manage.py create_api_client NAME`: a client of the FHIR API. Its bearer token is printed once,
alone on the last line (for a script to read); only its hash is kept."""

from django.core.management.base import BaseCommand, CommandError

from coverage_app import services


class Command(BaseCommand):
    help = "Create a FHIR API client and print its bearer token, once."

    def add_arguments(self, parser):
        parser.add_argument("name", help='who calls, e.g. "Riverside Cancer Center EHR"')

    def handle(self, *args, name, **options):
        try:
            client, token = services.api_client_create(name=name)
        except services.ReviewStateError as e:
            raise CommandError(f"name: {e}", returncode=2) from None
        self.stdout.write(f"Created API client {client.name!r}. Its token is shown once; keep it secret:")
        self.stdout.write(token)
