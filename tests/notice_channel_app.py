"""The live test server's app plus the tests-only ``fake_chat`` notification channel (tests/channel_plugin.py)."""

import json
import os

from marketplace import create_app, plugin_api
from tests.channel_plugin import CHANNEL_ID, FakeChannelPlugin

app = create_app(json.loads(os.environ["APIK_TEST_CONFIG"]))
plugin_api.register(app, FakeChannelPlugin(), CHANNEL_ID)
