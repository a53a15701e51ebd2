"""bench.load.profile (issue 23 item 5): py-spy's collapsed stacks become the table bench/README.md prints."""

from collections import Counter

from bench.load.profile import markdown, summarise

STACKS = Counter({
    "process 1:\"gunicorn\";Thread.run (threading.py:975);handle (gunicorn/workers/gthread.py:281);"
    "wrapper (roster/decorators.py:31);door_student (roster/access.py:170);_execute (django/db/backends/utils.py:105)": 30,
    "process 1:\"gunicorn\";handle (gunicorn/workers/gthread.py:281);section_grid (competencies/views.py:180);"
    "render (django/template/base.py:170)": 50,
    "process 1:\"gunicorn\";handle (gunicorn/workers/gthread.py:281);section_grid (competencies/views.py:180);"
    "filter (django/db/models/query.py:1489)": 15,
    "process 1:\"gunicorn\";write (gunicorn/util.py:300)": 5,
})


def test_each_sample_is_counted_once_in_its_innermost_family_and_its_view():
    summary = summarise(STACKS)
    assert summary["samples"] == 100
    assert dict(summary["families"]) == {
        "template rendering": 50.0, "waiting for PostgreSQL (the driver's execute and fetch)": 30.0,
        "ORM: building and reading queries": 15.0, "gunicorn (accepting, reading, writing sockets)": 5.0}
    assert dict(summary["views"]) == {"competencies.views.section_grid": 65.0,
                                      "outside a view (middleware, sockets)": 35.0}


def test_the_plumbing_frames_are_left_out_and_the_table_is_markdown():
    summary = summarise(STACKS)
    assert not any(frame.startswith(("process ", "Thread.run")) for frame, _ in summary["inclusive"])
    table = markdown(summary)
    assert "| template rendering | 50.0 |" in table
    assert "| `competencies.views.section_grid` | 65.0 |" in table
