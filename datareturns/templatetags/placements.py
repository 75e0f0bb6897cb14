"""How a flag looks on the pages: its label and a GOV.UK tag colour (red for a breach without
permission, the others by how much they call for attention)."""

from django import template

from datareturns.models import Flag

register = template.Library()

TAG_COLOURS = {
    Flag.ABOVE_CAP_UNAUTHORISED: "govuk-tag--red",
    Flag.ABOVE_CAP_AUTHORISED: "govuk-tag--green",
    Flag.PQE_UNDER_3_YEARS: "govuk-tag--yellow",
    Flag.COOL_OFF: "govuk-tag--orange",
    Flag.PROJECT_TEAM_REPRICING: "govuk-tag--pink",
    Flag.NO_CAP_IN_FORCE: "govuk-tag--grey",
}


@register.filter
def flag_label(code: str) -> str:
    return Flag(code).label


@register.filter
def flag_tag_class(code: str) -> str:
    return TAG_COLOURS.get(code, "govuk-tag--grey")


@register.filter
def explanation(placement, code: str) -> str:
    """The sentence explaining one of a placement's flags."""
    return (placement.explanations or {}).get(code, "")
