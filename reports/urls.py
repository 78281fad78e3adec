from django.urls import path

from reports import views

app_name = "reports"

# Under /instructor/ (quizsite/urls.py): staff pages on the site's own layout, which
# a projector and a phone read better than the admin's tables.
urlpatterns = [
    path("", views.overview, name="overview"),
    path("quizzes/<slug:slug>/", views.quiz_analysis, name="analysis"),
    path("quizzes/<slug:slug>/item-analysis.csv", views.quiz_analysis_csv, name="analysis_csv"),
    path("quizzes/<slug:slug>/responses.csv", views.quiz_responses_csv, name="responses_csv"),
    path("sessions/<int:pk>/", views.session_report, name="session"),
    path("sessions/<int:pk>/results.csv", views.session_csv, name="session_csv"),
]
