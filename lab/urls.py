from django.urls import path

from lab import views

app_name = "lab"

# The two endpoints the runs send their requests to are not here: they are ASGI
# applications in front of Django (lab/endpoints.py, paths in lab/bounds.py).
urlpatterns = [
    path("lab/concurrency/run/", views.run, name="run"),
    path("lab/concurrency/result/", views.result, name="result"),
]
