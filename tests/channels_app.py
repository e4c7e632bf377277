"""The live test server's app plus the tests-only ``fake_va`` payment plugin (tests/channels_support.py)."""

import json
import os

from marketplace import create_app, plugin_api
from tests.channels_support import METHOD_ID, FakeChannelsPlugin

app = create_app(json.loads(os.environ["APIK_TEST_CONFIG"]))
plugin_api.register(app, FakeChannelsPlugin(), METHOD_ID)
