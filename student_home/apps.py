from django.apps import AppConfig


class StudentHomeConfig(AppConfig):
    """The student's own home (issue 17.1): her pages in her voice. Reads paths, profiles, competencies and iep."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "student_home"
    verbose_name = "Student home"
