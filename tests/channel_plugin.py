"""A tests-only notification channel plugin: ``fake_chat`` records what it is asked to send and
fails on demand, so the core's side of issue #22's WhatsApp notices (the outbox, the held
e-mail, the opt-in) is tested without the real plugin or a provider.

``channel_app`` is the cash-on-delivery app with the fake prepaid method (tests/buying_factories.py)
and this plugin registered; ``channel_plugin.channel.sent`` lists ``(to, Notice)``; put
exceptions in ``channel_plugin.channel.failures`` and the next sends raise them, in order."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from marketplace import plugin_api
from marketplace.channels import ChannelError, Notice
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.plugin_api import hookimpl

CHANNEL_ID = "fake_chat"
NUMBER = "+6281234567890"


@dataclass
class FakeChannel:
    id: str = CHANNEL_ID
    name: str = "Fake Chat"
    sent: list[tuple[str, Notice]] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)

    def send(self, to: str, notice: Notice) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((to, notice))
        return f"fake-{len(self.sent)}"


@dataclass
class FakeChannelPlugin:
    channel: FakeChannel = field(default_factory=FakeChannel)

    @hookimpl
    def notification_channels(self):
        return [self.channel]


@pytest.fixture
def channel_plugin(prepaid) -> FakeChannelPlugin:
    """The COD app plus the fake prepaid method and the fake channel."""
    from flask import current_app

    plugin = FakeChannelPlugin()
    plugin_api.register(current_app._get_current_object(), plugin, "fake_chat")
    return plugin


def opt_in(user, number: str = NUMBER) -> None:
    user.whatsapp, user.whatsapp_opt_in_at = number, now()
    db.session.commit()


def temporary(message: str = "provider busy") -> ChannelError:
    return ChannelError(message)


def permanent(message: str = "not a WhatsApp number") -> ChannelError:
    return ChannelError(message, permanent=True)
