"""Start the test identity provider: migrate its own SQLite file, create its people and one client
(Waypoint), then serve on 127.0.0.1:PORT until killed.

    python -m tests.sso.provider.serve PORT   (environment: see settings.py and tests/sso/oidc_server.py)
"""

import json
import os
import sys

import django


def main() -> None:
    port = int(sys.argv[1])
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sso.provider.settings"
    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.servers.basehttp import get_internal_wsgi_application, run
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for username, person in settings.PEOPLE.items():
        User.objects.create_user(username=username, password=person["password"])
    client = json.loads(os.environ["PROVIDER_CLIENT"])
    Application.objects.create(
        name="Waypoint", client_id=client["client_id"], client_secret=client["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]), post_logout_redirect_uris=" ".join(client["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM, skip_authorization=True,
    )
    run("127.0.0.1", port, get_internal_wsgi_application(), ipv6=False, threading=True)


if __name__ == "__main__":
    main()
