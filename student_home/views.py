from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roster.decorators import student_view
from roster.models import Student

from . import selectors


@student_view("student_home.view")
def home(request: HttpRequest, student: Student) -> HttpResponse:
    return render(request, "student_home/home.html", {"student": student, "home": selectors.home_for(student)})
