from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Referential


@login_required
def referential_list(request):
    return render(
        request,
        "referentials/referential_list.html",
        {"referentials": Referential.objects.all()},
    )
