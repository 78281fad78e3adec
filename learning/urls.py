from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("progress/", views.progress, name="progress"),
    path("review/", views.review, name="review"),
    path("lessons/<slug:slug>/learn/<slug:kind>/", views.start, name="start"),
    path("account/sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("account/sign-up/", views.SignUpView.as_view(), name="sign_up"),
    path("account/sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("account/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
