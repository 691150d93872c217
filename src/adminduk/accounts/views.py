from django.contrib.auth import views as auth_views

from .access import public_view
from .forms import StaffLoginForm

login = public_view(
    auth_views.LoginView.as_view(form_class=StaffLoginForm, template_name="accounts/login.html", redirect_authenticated_user=True)
)
logout = public_view(auth_views.LogoutView.as_view())
