from django.dispatch import Signal

# Sent after commit whenever part of a learner profile changes.
# Keyword arguments: student_id (int), part ("section" | "goal" | "accommodation"), object_id (int).
profile_changed = Signal()
