"""`manage.py lapse_information_requests`: reviews whose requested information did not come in time
go to physician review (a nurse never denies). Run it every few minutes (cron, a Kubernetes CronJob);
it prints one line per review moved and is safe to run twice."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from coverage_app import services


class Command(BaseCommand):
    help = "Send reviews whose requested information is overdue to physician review."

    def handle(self, *args, **options):
        moved = services.information_lapse(now=timezone.now())
        for review in moved:
            self.stdout.write(f"{review.case_number}: information due {timezone.localtime(review.information_respond_by):%Y-%m-%d %H:%M} not received; sent to physician review")
        self.stdout.write(f"{len(moved)} review{'s' if len(moved) != 1 else ''} sent to physician review")
