from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks only: district-scale data (seed_district), page, job and load benchmarks.
    No models, no product routes: the floor page lives in bench/urls.py, used only by bench/pages.py."""

    name = "bench"
    verbose_name = "Benchmarks"
