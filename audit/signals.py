"""Events the audit log hears from Django itself: session log-ins and log-outs, failed log-ins on every
``authenticate()`` path (the API's token endpoint, the back office, the admin), and the Django admin's
changes (its LogEntry rows). The project's own log-in paths (the certificate log-in, API tokens) and the
administration pages' actions record their entries in their actions."""
from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import post_save

# Senders whose failed log-ins are recorded by their own action (the certificate log-in's password step).
RECORDED_ELSEWHERE = {"accounts.lockout"}


def logged_in(sender, request, user, **kwargs):
    from audit.actions import Kind, record

    if getattr(request, "audit_login_recorded", False):
        return
    record(Kind.LOGIN, actor=user, request=request, data={"method": "session", "path": request.path[:200]})


def logged_out(sender, request, user, **kwargs):
    from audit.actions import Kind, record

    if user is not None:
        record(Kind.LOGOUT, actor=user, request=request, data={"method": "session"})


def login_failed(sender, credentials, request=None, **kwargs):
    from audit.actions import Kind, record

    if sender in RECORDED_ELSEWHERE:
        return
    record(Kind.LOGIN_FAILED, request=request, actor=None,
           data={"method": "password", "username": str(credentials.get("username", ""))[:150],
                 "path": request.path[:200] if request is not None else ""})


def admin_logged(sender, instance: LogEntry, created, **kwargs):
    from audit.actions import Kind, record

    if not created:
        return
    action = {1: "added", 2: "changed", 3: "deleted"}.get(instance.action_flag, str(instance.action_flag))
    model = instance.content_type.app_label + "." + instance.content_type.model if instance.content_type_id else ""
    record(Kind.ADMIN_CHANGE, actor=instance.user, subject=(model, instance.object_id or ""),
           data={"via": "django-admin", "action": action, "object": instance.object_repr[:200],
                 "change": instance.get_change_message()[:1000]})


def connect() -> None:
    auth_signals.user_logged_in.connect(logged_in, dispatch_uid="audit.logged_in")
    auth_signals.user_logged_out.connect(logged_out, dispatch_uid="audit.logged_out")
    auth_signals.user_login_failed.connect(login_failed, dispatch_uid="audit.login_failed")
    post_save.connect(admin_logged, sender=LogEntry, dispatch_uid="audit.admin_logged")
