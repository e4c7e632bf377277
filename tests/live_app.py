"""The WSGI app a live test server imports; its settings come from the environment."""

import json
import os

from marketplace import create_app

app = create_app(json.loads(os.environ["APIK_TEST_CONFIG"]))
