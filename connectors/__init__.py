"""Everything that crosses the boundary to another system.

Outbound operators (ERP, finance, CRM, generic HTTP) write outbox rows inside
a workflow step and the process waits for the answer (`connectors.operators`);
delivery handlers send them with an idempotency key (`connectors.delivery`);
inbound webhooks are verified, stored and correlated to BPMN message events
(`connectors.webhooks`). `install()` wires all of it into the app's engine
environment; the app's wiring (webui/wiring.py) calls it once per app.
"""

from __future__ import annotations

from functools import partial

from connectors import delivery, follow_ups, operators, webhooks
from connectors.environment import ConnectorEnvironment
from contracts.lifecycle.service import ActivationListener

__all__ = ["ConnectorEnvironment", "install"]


def install(
    environment: ConnectorEnvironment, activation_listeners: list[ActivationListener]
) -> None:
    """Register operators, delivery handlers, incident listeners, step hooks and follow-ups."""
    engine = environment.engine
    operators.register_operators(engine.operators)
    delivery.install(environment)
    engine.hooks.message_wait.append(partial(webhooks.deliver_pending, env=environment))
    engine.hooks.completed.append(partial(follow_ups.after_instance_completed, env=environment))
    activation_listeners.append(partial(follow_ups.after_activation, env=environment))
