"""“Mã truy cập API”: the page where a user makes, names and revokes their own API tokens.

A new token's key is shown on the answer to the POST that made it, once; it is never put in
the session or a message, and only its digest is stored.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from directives import actions
from directives.models import ApiToken
from directives.models.api_token import Scope

TEMPLATE = "directives/api/tokens.html"
MAX_ACTIVE = 20


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Tên mã (để nhận ra, ví dụ: “Báo cáo tuần”)"),
        max_length=80,
        error_messages={"required": gettext_lazy("Hãy đặt tên cho mã truy cập.")},
    )
    scopes = forms.ChoiceField(
        label=gettext_lazy("Quyền"), choices=Scope.choices, initial=Scope.READ
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Hãy đặt tên cho mã truy cập."))
        return name


@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user)
    form = TokenForm()
    new_key = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            if tokens.active().count() >= MAX_ACTIVE:
                form.add_error(
                    None,
                    _("Bạn đã có %(n)d mã đang dùng; hãy thu hồi bớt mã không cần.")
                    % {"n": MAX_ACTIVE},
                )
            else:
                _token, new_key = actions.create_api_token(
                    request.user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                )
                form = TokenForm()
    response = TemplateResponse(
        request,
        TEMPLATE,
        {
            "tokens": list(tokens.order_by("-created_at", "-pk")[:50]),
            "form": form,
            "new_key": new_key,
        },
    )
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if actions.revoke_api_token(request.user, pk):
        messages.success(request, _("Đã thu hồi mã truy cập; mã này không dùng được nữa."))
    else:
        messages.error(request, _("Không tìm thấy mã truy cập đang dùng này."))
    return redirect("api_tokens")
