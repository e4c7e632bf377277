"""The URL builders shared between the session's apps (tests/route_builders.py) build what
werkzeug's own, compiled for the rule at hand, builds."""

from werkzeug.routing.rules import Rule

from tests import route_builders


def _arguments(rule) -> dict:
    return {name: ("7" if name.endswith("id") else "ab c") for name in rule.arguments}


def test_every_route_builds_the_same_url_as_its_own_builder(make_app):
    assert Rule.__dict__["_compile_builder"] is route_builders._cached_compile_builder
    make_app()  # the first app fills the shared builders
    app = make_app(plugins="cash_on_delivery")
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 200
    for rule in rules:
        values = _arguments(rule)
        for append_unknown in (False, True):
            own = route_builders._compile_builder(rule, append_unknown).__get__(rule, None)
            shared = rule._build_unknown if append_unknown else rule._build
            kwargs = dict(values, page="2") if append_unknown else values
            try:
                expected = own(**kwargs)
            except (ValueError, TypeError) as error:  # a converter refusing the sample value
                expected = type(error)
            try:
                built = shared(**kwargs)
            except (ValueError, TypeError) as error:
                built = type(error)
            assert built == expected, rule.rule
