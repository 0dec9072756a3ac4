"""The labels of the standard objects' picklist values, for the translation catalogue.

A standard picklist's value labels are made from its values ("service_request" reads
"Service request", core/companies/models.py ``picklist``), so no ``_()`` marks them where
they are written: they are listed here, in their own context (a ticket's "Open" is not an
invoice's, an "Event" source is not a security-log event), and shown translated by
``core.objects.choices.picklist_labels``. tests/meta/test_translations.py fails naming any
label of a standard picklist that is missing here.
"""

from __future__ import annotations

from saas.i18n import NP_

PICKLIST = "picklist value"
# Field labels that read differently from the same word elsewhere (context "field", used
# first by the registry): a record's "Name" is 名称, a person's on a form 姓名.
FIELD_LABELS = (NP_("field", "Name"),)

# The context is written out in each entry: the extractor reads only literal contexts.
PICKLIST_LABELS = (
    NP_("picklist value", "1-10"),
    NP_("picklist value", "1001+"),
    NP_("picklist value", "11-50"),
    NP_("picklist value", "201-1000"),
    NP_("picklist value", "51-200"),
    NP_("picklist value", "Aborted"),
    NP_("picklist value", "Accepted"),
    NP_("picklist value", "Active"),
    NP_("picklist value", "Advertising"),
    NP_("picklist value", "Agriculture"),
    NP_("picklist value", "Call"),
    NP_("picklist value", "Cancelled"),
    NP_("picklist value", "Closed"),
    NP_("picklist value", "Complaint"),
    NP_("picklist value", "Completed"),
    NP_("picklist value", "Confirmed"),
    NP_("picklist value", "Construction"),
    NP_("picklist value", "Converted"),
    NP_("picklist value", "Customer"),
    NP_("picklist value", "Debtor"),
    NP_("picklist value", "Declined"),
    NP_("picklist value", "Direct mail"),
    NP_("picklist value", "Distributor"),
    NP_("picklist value", "Divorced"),
    NP_("picklist value", "Draft"),
    NP_("picklist value", "Education"),
    NP_("picklist value", "Email"),
    NP_("picklist value", "Energy"),
    NP_("picklist value", "Event"),
    NP_("picklist value", "Expired"),
    NP_("picklist value", "Financial services"),
    NP_("picklist value", "Fulfilled"),
    NP_("picklist value", "Healthcare"),
    NP_("picklist value", "High"),
    NP_("picklist value", "Hospitality"),
    NP_("picklist value", "In person"),
    NP_("picklist value", "Information technology"),
    NP_("picklist value", "Invoiced"),
    NP_("picklist value", "Lost"),
    NP_("picklist value", "Low"),
    NP_("picklist value", "Manufacturing"),
    NP_("picklist value", "Married"),
    NP_("picklist value", "Media"),
    NP_("picklist value", "Meeting"),
    NP_("picklist value", "Met"),
    NP_("picklist value", "Missed"),
    NP_("picklist value", "New"),
    NP_("picklist value", "No limit"),
    NP_("picklist value", "Normal"),
    NP_("picklist value", "Not checked"),
    NP_("picklist value", "Note"),
    NP_("picklist value", "Open"),
    NP_("picklist value", "Other"),
    NP_("picklist value", "Over limit"),
    NP_("picklist value", "Paid"),
    NP_("picklist value", "Partner"),
    NP_("picklist value", "Partnership"),
    NP_("picklist value", "Pending"),
    NP_("picklist value", "Phone"),
    NP_("picklist value", "Planned"),
    NP_("picklist value", "Portal"),
    NP_("picklist value", "Professional services"),
    NP_("picklist value", "Public sector"),
    NP_("picklist value", "Qualified"),
    NP_("picklist value", "Real estate"),
    NP_("picklist value", "Referral"),
    NP_("picklist value", "Resolved"),
    NP_("picklist value", "Responded"),
    NP_("picklist value", "Retail"),
    NP_("picklist value", "Running"),
    NP_("picklist value", "Sent"),
    NP_("picklist value", "Service request"),
    NP_("picklist value", "Single"),
    NP_("picklist value", "Social media"),
    NP_("picklist value", "Suggestion"),
    NP_("picklist value", "Supplier"),
    NP_("picklist value", "Task"),
    NP_("picklist value", "Telemarketing"),
    NP_("picklist value", "Tourism"),
    NP_("picklist value", "Transport and logistics"),
    NP_("picklist value", "Unqualified"),
    NP_("picklist value", "Urgent"),
    NP_("picklist value", "Web"),
    NP_("picklist value", "Webinar"),
    NP_("picklist value", "Wholesale"),
    NP_("picklist value", "Widowed"),
    NP_("picklist value", "Within limit"),
    NP_("picklist value", "Won"),
    NP_("picklist value", "Working"),
)
