"""Everything that crosses the boundary to another system.

Outbound operators (ERP, finance, CRM, SMS, e-mail, HTTP) write outbox rows
inside a workflow step (see `engine.operators.OperatorContext.enqueue` and
`engine.models.OutboxMessage`); inbound webhooks are verified here before
they are correlated to BPMN message events (`engine.runtime.deliver_message`).
The connectors themselves arrive with the integration issue.
"""
