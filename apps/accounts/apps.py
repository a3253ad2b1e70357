from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from apps.accounts.services import user_session_record

        def record_session(sender: object, request: object, user: object, **kwargs: object) -> None:
            # Every sign-in path (our form, the admin, the test client) is tracked, so that
            # ending a membership can end all of a user's sessions.
            session = getattr(request, "session", None)
            if session is not None:
                if session.session_key is None:
                    session.save()
                user_session_record(user=user, session_key=session.session_key)

        user_logged_in.connect(record_session, weak=False, dispatch_uid="accounts.record_session")
