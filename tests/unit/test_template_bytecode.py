"""The apps of the test session share the compiled templates (tests/template_bytecode.py): a
second app renders a page without compiling its templates again, and renders the same page."""

from tests import template_bytecode


def test_a_second_app_renders_the_same_page_without_compiling_again(make_app, monkeypatch):
    first = make_app()
    assert first.jinja_env.bytecode_cache is template_bytecode.CACHE
    page = first.test_client().get("/login")
    assert page.status_code == 200
    second = make_app()
    compiled = []
    compile_source = second.jinja_env.compile
    monkeypatch.setattr(second.jinja_env, "compile", lambda *a, **k: compiled.append(a[1:]) or compile_source(*a, **k))

    again = second.test_client().get("/login")

    assert again.status_code == 200
    assert compiled == []
    assert again.get_data(as_text=True) == page.get_data(as_text=True)
