"""``{% case_documents %}`` on the case page's chronology: the documents the actor may see."""

from __future__ import annotations

from django import template

from apps.cases import policy
from apps.documents.selectors import document_list

register = template.Library()


@register.inclusion_tag("documents/_case_documents.html", takes_context=True)
def case_documents(context: template.Context) -> dict:
    request = context["request"]
    case = context["case"]
    actor = getattr(request, "actor", None)
    visible = context.get("visible")
    if not policy.may_see_documents(actor=actor, case=case, visible=visible):
        return {"shown": False}
    return {"shown": True, "case": case,
            "documents": list(document_list(actor=actor, case=case, visible=visible)[:20]),
            "may_add": context.get("can_contribute", False)}
