"""Sign in and sign out with Django's auth views and our own templates."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

login = auth_views.LoginView.as_view(
    template_name="workspace/login.html", redirect_authenticated_user=True
)
logout = auth_views.LogoutView.as_view()
