"""Standard picklists store snake-case API values and show people their labels."""

from __future__ import annotations


def test_pages_show_labels_and_the_api_keeps_values(client, api):
    created = api.post(
        "/api/v1/objects/tickets",
        json={"subject": "Printer jam", "type": "service_request", "priority": "high"},
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["type"] == "service_request"
    listing = client.get("/o/tickets/board?field=type").get_data(as_text=True)
    assert ">Service request</span>" in listing and ">service_request<" not in listing
    page = client.get(f"/o/tickets/{created.get_json()['id']}").get_data(as_text=True)
    assert ">Service request</span>" in page
    # The form offers the labels and posts the values.
    form = client.get("/o/tickets/new").get_data(as_text=True)
    assert '<option value="service_request"' in form and ">Service request</option>" in form
    exported = client.get("/o/tickets/export.csv").get_data(as_text=True)
    assert "service_request" in exported  # exports carry the values, as the API does
