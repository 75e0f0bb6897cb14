"""The service's one date input (riia.forms.GovukDateField): three boxes, one message naming the field,
and an error summary that links to the day box."""

from datetime import date

import pytest
from django import forms
from django.template.loader import render_to_string

from riia.errors import DomainError
from riia.forms import GovukDateField, GovukForm


class ContractForm(GovukForm):
    contract_start = GovukDateField(what="the contract start date", label="Contract start date")
    contract_end = GovukDateField(what="the contract end date", label="Contract end date", required=False)


def _post(start=("1", "5", "2026"), end=("", "", "")) -> dict:
    return {
        "contract_start_day": start[0],
        "contract_start_month": start[1],
        "contract_start_year": start[2],
        "contract_end_day": end[0],
        "contract_end_month": end[1],
        "contract_end_year": end[2],
    }


def test_three_boxes_make_a_date_and_an_optional_date_may_be_left_empty():
    form = ContractForm(_post())

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"contract_start": date(2026, 5, 1), "contract_end": None}


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (("", "", ""), "Enter the contract start date"),
        (("31", "2", "2026"), "The contract start date must be a real date"),
        (("1", "May", "2026"), "The contract start date must be a real date"),
        (("1", "13", "2026"), "The contract start date must be a real date"),
        (("-1", "5", "2026"), "The contract start date must be a real date"),
        (("1", "", "2026"), "The contract start date must include a day, month and year"),
        (("", "", "2026"), "The contract start date must include a day, month and year"),
        (("1", "5", "26"), "The year of the contract start date must include 4 numbers"),
    ],
)
def test_bad_date_has_one_message_naming_the_field(start, message):
    form = ContractForm(_post(start=start))

    assert not form.is_valid()
    assert form.errors["contract_start"] == [message]


def test_error_summary_links_to_the_day_box_and_the_boxes_keep_what_was_typed():
    form = ContractForm(_post(start=("31", "2", "2026")))
    form.is_valid()

    summary = render_to_string("govuk/error_summary.html", {"form": form})
    page = str(form["contract_start"].as_field_group())

    assert 'href="#id_contract_start_0">The contract start date must be a real date' in summary
    assert 'id="id_contract_start_0" name="contract_start_day"' in page
    assert 'for="id_contract_start_0">Day' in page
    assert 'name="contract_start_month" type="text" inputmode="numeric" value="2"' in page
    assert "govuk-input--error" in page and 'id="id_contract_start-error"' in page
    assert "govuk-input--error" not in str(form["contract_end"].as_field_group())


def test_initial_date_is_shown_in_the_three_boxes():
    page = str(ContractForm(initial={"contract_start": date(2026, 11, 3)})["contract_start"].as_field_group())

    assert 'name="contract_start_day" type="text" inputmode="numeric" value="3"' in page
    assert 'name="contract_start_year" type="text" inputmode="numeric" value="2026"' in page


class SpendForm(GovukForm):
    amount = forms.DecimalField(label="Amount spent")
    description = forms.CharField(label="Training paid for", help_text="For example, a course name")


@pytest.mark.parametrize("refused_after_validation", [False, True])
def test_an_error_is_announced_with_the_field_and_marked_on_the_input(refused_after_validation):
    """The input points at its error message (aria-describedby) and takes the error style, whether the
    form refused the value or a service did after the form was valid (axe-core found the second
    pointing at an id that was not on the page)."""
    form = SpendForm({"amount": "" if not refused_after_validation else "90.00", "description": "Court skills"})
    if refused_after_validation:
        assert form.is_valid(), form.errors
        form.add_domain_error(DomainError("You cannot spend £90.00: the fund holds £0.00.", field="amount"))
    else:
        assert not form.is_valid()

    page = str(form["amount"].as_field_group())

    assert 'id="id_amount-error"' in page
    assert 'aria-describedby="id_amount-error"' in page
    assert 'class="govuk-input govuk-input--error"' in page


def test_a_hint_and_an_error_are_both_announced():
    form = SpendForm({"amount": "1", "description": ""})
    form.is_valid()

    page = str(form["description"].as_field_group())

    assert 'id="id_description-hint"' in page and 'id="id_description-error"' in page
    assert 'aria-describedby="id_description-hint id_description-error"' in page
