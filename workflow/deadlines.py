"""Deadlines of requests, from their definitions and the working-day calendar."""
from workdays.calendar import due_at


def overall_deadline(definition, registered_at):
    """When the result is due: the definition's overall deadline counted from registration."""
    return due_at(registered_at, definition.deadline)
