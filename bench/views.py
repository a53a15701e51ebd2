"""The floor page of the page benchmark: signed in, renders the base template, runs no query of its own.
Served only through bench/urls.py, which bench/pages.py installs with override_settings: never a product route."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/floor.html")
