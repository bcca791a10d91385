"""Everything that crosses the boundary to another system.

Outbound operators (ERP, finance, CRM, generic HTTP) write outbox rows inside
a workflow step and the process waits for the answer (`connectors.operators`);
delivery handlers send them with an idempotency key (`connectors.delivery`);
inbound webhooks are verified, stored and correlated to BPMN message events
(`connectors.webhooks`). `install()` wires all of it into the engine's
registries; the app factory calls it once.
"""

from __future__ import annotations

from connectors import delivery, follow_ups, operators, webhooks
from connectors.environment import ConnectorEnvironment, configure
from contracts.lifecycle import service as lifecycle
from engine import outbox, runtime
from engine.operators import OperatorRegistry

__all__ = ["ConnectorEnvironment", "install"]


def install(environment: ConnectorEnvironment, registry: OperatorRegistry) -> None:
    """Register operators, delivery handlers, incident listeners and step hooks."""
    configure(environment)
    if "erp/CreatePurchaseOrder" not in registry:
        operators.register_operators(registry)
    delivery.install(outbox.registry, outbox.listeners)
    if webhooks.deliver_pending not in runtime.hooks.message_wait:
        runtime.hooks.message_wait.append(webhooks.deliver_pending)
    if follow_ups.after_instance_completed not in runtime.hooks.completed:
        runtime.hooks.completed.append(follow_ups.after_instance_completed)
    if follow_ups.after_activation not in lifecycle.activation_listeners:
        lifecycle.activation_listeners.append(follow_ups.after_activation)
