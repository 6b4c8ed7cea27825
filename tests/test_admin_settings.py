"""Organization and project settings with the official SDK: spend alerts, data retention, and a project's model
and hosted tool permissions, which the project's own keys then meet as the real 403."""

from __future__ import annotations

import openai
import pytest

ALERT = {"threshold_amount": 100_000, "currency": "USD", "interval": "month",
         "notification_channel": {"type": "email", "recipients": ["finance@example.com"],
                                  "subject_prefix": "OpenAI spend alert"}}
HEADERS = {"Authorization": "Bearer sk-admin-test"}


def _chat(client, model: str = "gpt-4o-mini"):
    return client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}])


def test_spend_alerts_of_the_organization_and_of_each_project(admin) -> None:
    first = admin.spend_alerts.create(**ALERT)
    assert (first.object, first.threshold_amount, first.notification_channel.subject_prefix) == \
        ("organization.spend_alert", 100_000, "OpenAI spend alert")
    second = admin.spend_alerts.create(**{**ALERT, "threshold_amount": 500_000})
    page = admin.spend_alerts.list(limit=1)  # oldest first by default
    assert [a.id for a in page.data] == [first.id] and page.has_more and page.last_id == first.id
    assert [a.id for a in admin.spend_alerts.list()] == [first.id, second.id]
    assert [a.id for a in admin.spend_alerts.list(order="desc", after=second.id)] == [first.id]
    assert [a.id for a in admin.spend_alerts.list(before=second.id)] == [first.id]
    raised = admin.spend_alerts.update(first.id, **{**ALERT, "threshold_amount": 150_000,
                                                    "notification_channel": {"type": "email",
                                                                             "recipients": ["cfo@example.com"]}})
    assert raised.threshold_amount == 150_000 and raised.notification_channel.recipients == ["cfo@example.com"]
    assert raised.notification_channel.subject_prefix is None  # the whole alert is given again
    gone = admin.spend_alerts.delete(second.id)
    assert (gone.id, gone.object, gone.deleted) == (second.id, "organization.spend_alert.deleted", True)
    with pytest.raises(openai.NotFoundError) as missing:
        admin.spend_alerts.delete(second.id)
    assert missing.value.body["message"] == f"Spend alert with id '{second.id}' not found."

    alpha, beta = admin.projects.create(name="Alpha"), admin.projects.create(name="Beta")
    mine = admin.projects.spend_alerts.create(alpha.id, **ALERT)
    assert mine.object == "project.spend_alert"
    assert [a.id for a in admin.projects.spend_alerts.list(alpha.id)] == [mine.id]
    assert admin.projects.spend_alerts.list(beta.id).data == []  # each project its own
    with pytest.raises(openai.NotFoundError):
        admin.projects.spend_alerts.update(mine.id, project_id=beta.id, **ALERT)
    assert admin.projects.spend_alerts.update(mine.id, project_id=alpha.id, **ALERT).id == mine.id
    assert admin.projects.spend_alerts.delete(mine.id, project_id=alpha.id).object == "project.spend_alert.deleted"
    assert [a.id for a in admin.spend_alerts.list()] == [first.id]  # the organization's are apart
    admin.projects.archive(beta.id)
    with pytest.raises(openai.BadRequestError):
        admin.projects.spend_alerts.create(beta.id, **ALERT)


def test_bad_spend_alerts_are_400s_naming_the_param(admin, http) -> None:
    channel = ALERT["notification_channel"]
    cases = [
        ({**ALERT, "threshold_amount": -1}, "threshold_amount"),
        ({**ALERT, "currency": "EUR"}, "currency"),
        ({**ALERT, "interval": "week"}, "interval"),
        ({k: v for k, v in ALERT.items() if k != "notification_channel"}, "notification_channel"),
        ({**ALERT, "notification_channel": {**channel, "recipients": []}}, "notification_channel.recipients"),
        ({**ALERT, "notification_channel": {**channel, "recipients": ["finance"]}},
         "notification_channel.recipients[0]"),
    ]
    for body, param in cases:
        response = http.post("/v1/organization/spend_alerts", json=body, headers=HEADERS)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["error"]["param"] == param, (body, response.text)
    assert admin.spend_alerts.list().data == []


def test_data_retention(admin) -> None:
    assert admin.data_retention.retrieve().type == "modified_abuse_monitoring"
    assert admin.data_retention.update(retention_type="zero_data_retention").type == "zero_data_retention"
    assert admin.data_retention.retrieve().object == "organization.data_retention"
    project = admin.projects.create(name="Sensitive")
    other = admin.projects.create(name="Other")
    found = admin.projects.data_retention.retrieve(project.id)
    assert (found.object, found.type) == ("project.data_retention", "organization_default")
    assert admin.projects.data_retention.update(project.id, retention_type="none").type == "none"
    assert admin.projects.data_retention.retrieve(other.id).type == "organization_default"
    assert admin.data_retention.retrieve().type == "zero_data_retention"
    with pytest.raises(openai.BadRequestError) as wrong:
        admin.data_retention.update(retention_type="organization_default")  # a project-only value
    assert wrong.value.param == "retention_type"
    with pytest.raises(openai.NotFoundError):
        admin.projects.data_retention.retrieve("proj_missing")


@pytest.mark.mockapi(manual_clock=True)
def test_model_permissions_bind_the_projects_keys(mockapi, admin) -> None:
    project = admin.projects.create(name="Restricted")
    bot = mockapi.openai_client(api_key=admin.projects.service_accounts.create(project.id, name="bot").api_key.value)
    other = mockapi.openai_client(api_key="sk-elsewhere")  # the default project
    none = admin.projects.model_permissions.retrieve(project.id)
    assert (none.object, none.mode, none.api_model_ids) == ("project.model_permissions", "deny_list", [])
    policy = admin.projects.model_permissions.update(project.id, mode="allow_list",
                                                     model_ids=["gpt-4o", "text-embedding-3-small", "gpt-4o"])
    assert (policy.mode, policy.api_model_ids) == ("allow_list", ["gpt-4o", "text-embedding-3-small"])
    with pytest.raises(openai.PermissionDeniedError) as denied:
        _chat(bot)
    assert denied.value.body == {"message": f"Project `{project.id}` does not have access to model `gpt-4o-mini`",
                                 "type": "invalid_request_error", "param": None, "code": "model_not_found"}
    assert _chat(bot, "gpt-4o").model.startswith("gpt-4o")
    assert _chat(bot, "gpt-4o-2024-08-06").model == "gpt-4o-2024-08-06"  # a listed model's snapshots too
    bot.embeddings.create(model="text-embedding-3-small", input="fine")
    _chat(other)  # other projects are not bound
    admin.projects.model_permissions.update(project.id, mode="deny_list", model_ids=["gpt-4o"])
    _chat(bot)
    with pytest.raises(openai.PermissionDeniedError):
        bot.responses.create(model="gpt-4o", input="hi")
    assert admin.projects.model_permissions.delete(project.id).deleted
    assert admin.projects.model_permissions.retrieve(project.id).mode == "deny_list"
    _chat(bot, "gpt-4o")
    start = mockapi.clock.now_int() - 60  # refused requests are not metered
    requests = admin.usage.completions(start_time=start, project_ids=[project.id]).data[0].results
    assert requests[0].num_model_requests == 4


def test_hosted_tool_permissions_bind_the_projects_requests(mockapi, admin) -> None:
    project = admin.projects.create(name="No browsing")
    client = mockapi.openai_client(api_key="sk-any", default_headers={"OpenAI-Project": project.id})
    tools = admin.projects.hosted_tool_permissions.retrieve(project.id)
    assert all(getattr(tools, name).enabled for name in ("file_search", "web_search", "image_generation", "mcp",
                                                         "code_interpreter"))
    changed = admin.projects.hosted_tool_permissions.update(project.id, web_search={"enabled": False},
                                                            mcp=None)
    assert (changed.web_search.enabled, changed.mcp.enabled, changed.file_search.enabled) == (False, True, True)
    for tool in ({"type": "web_search"}, {"type": "web_search_preview"}):
        with pytest.raises(openai.PermissionDeniedError) as denied:
            client.responses.create(model="gpt-4o-mini", input="news?", tools=[tool])
        assert denied.value.param == "tools[0]" and "`web_search`" in denied.value.body["message"]
    function = {"type": "function", "name": "lookup", "parameters": {"type": "object", "properties": {}}}
    assert client.responses.create(model="gpt-4o-mini", input="hi", tools=[function]).status == "completed"
    admin.projects.hosted_tool_permissions.update(project.id, web_search={"enabled": True})
    assert client.responses.create(model="gpt-4o-mini", input="news?", tools=[{"type": "web_search"}]).output
    with pytest.raises(openai.BadRequestError):
        admin.projects.hosted_tool_permissions.update(project.id, mcp={})  # `enabled` is required
