"""Create new signing keys (RS256 and Ed25519) for a district's issuer; the old ones are retired but stay in the
published JWK set, so credentials already issued still verify."""

from django.core.management.base import BaseCommand, CommandError

from credentials import keys
from credentials.models import IssuerProfile


class Command(BaseCommand):
    help = "Rotate a district's credential signing keys (private keys to CREDENTIALS_KEY_DIR, public keys to the JWK set)."

    def add_arguments(self, parser):
        parser.add_argument("--district", type=int, required=True, help="the district's id")

    def handle(self, *args, **options):
        issuer = IssuerProfile.objects.filter(district_id=options["district"]).first()
        if issuer is None:
            raise CommandError(f"District {options['district']} has no issuer profile (add one in the admin).")
        for key in keys.rotate(issuer):
            self.stdout.write(f"New {key.algorithm} key {key.kid}")
