import requests

from tests.live_server import LiveServer, live_config


def test_live_server_serves_the_test_database(app):
    with LiveServer(live_config(app), workers=1, threads=2) as server:
        response = requests.get(server.url + "/healthz", timeout=5)
    assert response.status_code == 200
    assert response.json()["database"] == "up"
