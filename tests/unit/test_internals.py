"""marketplace/internals.py against the installed libraries: each function the app
uses to reach a library's internals does what its docstring says. A failure names
the library and its installed version: an upgrade changed what the app relies on,
and the function (only it) must follow."""

from __future__ import annotations

import inspect as pyinspect
from contextlib import contextmanager
from importlib.metadata import version
from io import BytesIO

from flask import Blueprint, Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import AnonymousUserMixin, LoginManager, current_user
from PIL import Image
from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    delete,
    insert,
    or_,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from marketplace import internals


@contextmanager
def relying_on(library: str, function):
    """Turn any failure inside into one that names the library, its version and the function."""
    try:
        yield
    except Exception as exc:  # re-raised as the loud message this test exists for
        raise AssertionError(
            f"{library} {version(library)}: marketplace.internals.{function.__name__} no longer "
            f"works with it ({type(exc).__name__}: {exc}); see its docstring"
        ) from exc


# Every function of the module, with the library it relies on: a new one needs a test here.
TESTED = {
    "set_loaded": "SQLAlchemy",
    "value_in_hand": "SQLAlchemy",
    "dml_columns": "SQLAlchemy",
    "dml_value": "SQLAlchemy",
    "is_decrement": "SQLAlchemy",
    "dml_where_values": "SQLAlchemy",
    "limiter_global_limits": "Flask-Limiter",
    "limiter_meta_limits": "Flask-Limiter",
    "limiter_endpoint_limits": "Flask-Limiter",
    "limiter_view_limits": "Flask-Limiter",
    "route_count": "Werkzeug",
    "request_url_adapter": "Flask",
    "request_context": "Flask",
    "app_context": "Flask",
    "set_current_user": "Flask-Login",
    "pixels_only": "Pillow",
}


def test_every_function_is_tested_here():
    functions = {
        name
        for name, value in vars(internals).items()
        if pyinspect.isfunction(value) and value.__module__ == internals.__name__
    }
    assert functions == set(TESTED), "add a test (and an entry in TESTED) for each function of internals.py"
    for name in functions:
        assert TESTED[name] in (getattr(internals, name).__doc__ or ""), f"{name}'s docstring names its library"


# --- SQLAlchemy -------------------------------------------------------------------------


class _Base(DeclarativeBase):
    pass


class _Parent(_Base):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    children: Mapped[list[_Child]] = relationship(lazy="raise_on_sql")


class _Child(_Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))


def test_set_loaded():
    with relying_on("SQLAlchemy", internals.set_loaded):
        engine = create_engine("sqlite://")
        _Base.metadata.create_all(engine)
        with Session(engine) as session:
            parent = _Parent(id=1, name="a")
            session.add(parent)
            session.commit()
            internals.set_loaded(parent, "name", "b")
            internals.set_loaded(parent, "children", [])
            assert parent.name == "b" and parent.children == []  # no lazy load: raise_on_sql did not raise
            assert not session.is_modified(parent) and not session.dirty
            with engine.connect() as conn:  # nothing written
                assert conn.exec_driver_sql("SELECT name FROM parents").scalar() == "a"


def test_value_in_hand():
    with relying_on("SQLAlchemy", internals.value_in_hand):
        engine = create_engine("sqlite://")
        _Base.metadata.create_all(engine)
        with Session(engine) as session:
            session.add(_Parent(id=1, name="a"))
            session.commit()
            parent = session.get(_Parent, 1)
            assert internals.value_in_hand(parent, "name") == "a"
            assert internals.value_in_hand(parent, "children") is None  # not loaded: raise_on_sql did not raise
            child = _Child(id=2)
            internals.set_loaded(parent, "children", [child])
            assert internals.value_in_hand(parent, "children") == [child]
            session.expire(parent)
            assert internals.value_in_hand(parent, "name") is None  # expired: no refresh


def test_dml_columns():
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("a", Integer), Column("b", String))
    with relying_on("SQLAlchemy", internals.dml_columns):
        assert sorted(internals.dml_columns(update(table).values(a=1, b="x"))) == ["a", "b"]
        assert sorted(internals.dml_columns(update(table).values({table.c.a: table.c.a + 1}))) == ["a"]
        assert internals.dml_columns(update(table).ordered_values((table.c.b, "y"), (table.c.a, 2))) == ["b", "a"]
        assert internals.dml_columns(insert(table).values(a=1)) == ["a"]
        assert internals.dml_columns(update(_Parent).values(name="z")) == ["name"]
        assert internals.dml_columns(update(table)) is None  # parameters at execution time: unknown


def test_dml_value_and_is_decrement():
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("a", Integer), Column("b", String))
    with relying_on("SQLAlchemy", internals.dml_value):
        taken = update(table).values(a=table.c.a - bindparam("q"), b="x")
        assert internals.dml_value(taken, "b").value == "x"
        assert internals.dml_value(taken, "id") is None and internals.dml_value(update(table), "a") is None
        assert internals.dml_value(update(_Parent).values(name="z"), "name").value == "z"
    with relying_on("SQLAlchemy", internals.is_decrement):
        assert internals.is_decrement(internals.dml_value(taken, "a"), "a")
        assert not internals.is_decrement(internals.dml_value(taken, "b"), "b")
        assert not internals.is_decrement(table.c.a + 1, "a") and not internals.is_decrement(table.c.b - 1, "a")
        assert not internals.is_decrement(None, "a")


def test_dml_where_values():
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("a", Integer), Column("b", String))
    other = Table("o", MetaData(), Column("id", Integer, primary_key=True))
    with relying_on("SQLAlchemy", internals.dml_where_values):
        by_id = update(table).where(table.c.id == bindparam("id"), table.c.a >= bindparam("q")).values(a=1)
        assert internals.dml_where_values(by_id, {"id": 7, "q": 2}) == {"id": {7}}
        assert internals.dml_where_values(by_id, [{"id": 7}, {"id": 8}]) == {"id": {7, 8}}  # executemany
        assert internals.dml_where_values(by_id, {}) == {}  # the value is not known
        literal = delete(table).where(table.c.a.in_([1, 2]), table.c.b == "x")
        assert internals.dml_where_values(literal, None) == {"a": {1, 2}, "b": {"x"}}
        assert internals.dml_where_values(update(table).where(table.c.id == 3).values(a=1), None) == {"id": {3}}
        assert internals.dml_where_values(update(table).where(or_(table.c.id == 1, table.c.id == 2)), None) == {}
        assert internals.dml_where_values(update(table).where(other.c.id == 1), None) == {}  # another table's
        assert internals.dml_where_values(update(table).values(a=1), None) == {}  # no WHERE
        assert internals.dml_where_values(update(_Parent).where(_Parent.id == 5).values(name="z"), None) == {"id": {5}}


# --- Flask-Limiter ------------------------------------------------------------------------


def _limited_app(**limiter_options):
    app = Flask(__name__)
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", **limiter_options)
    shop = Blueprint("shop", __name__)

    @shop.get("/free")
    def free():
        return "free"

    @app.get("/counted")
    @limiter.limit("5/minute", methods=["GET"])
    def counted():
        return "counted"

    @app.get("/plain")
    def plain():
        return "plain"

    app.register_blueprint(shop)
    limiter.limit("7/minute")(shop)
    return app, limiter


def test_limiter_global_and_meta_limits():
    with relying_on("Flask-Limiter", internals.limiter_global_limits):
        _app, bare = _limited_app()
        assert internals.limiter_global_limits(bare) == []
        _app, limited = _limited_app(default_limits=["100/hour"], application_limits=["1000/day"])
        assert sorted(str(limit.limit) for limit in internals.limiter_global_limits(limited)) == [
            "100 per 1 hour",
            "1000 per 1 day",
        ]
    with relying_on("Flask-Limiter", internals.limiter_meta_limits):
        assert internals.limiter_meta_limits(bare) == []
        _app, meta = _limited_app(meta_limits=["2/hour"])
        assert [str(limit.limit) for limit in internals.limiter_meta_limits(meta)] == ["2 per 1 hour"]


def test_limiter_endpoint_and_view_limits():
    app, limiter = _limited_app()
    with relying_on("Flask-Limiter", internals.limiter_endpoint_limits), app.test_request_context("/"):
        assert [str(limit.limit) for limit in internals.limiter_endpoint_limits(limiter, app, "counted", None)] == [
            "5 per 1 minute"
        ]
        assert [str(limit.limit) for limit in internals.limiter_endpoint_limits(limiter, app, "shop.free", "shop")] == [
            "7 per 1 minute"
        ]
        assert internals.limiter_endpoint_limits(limiter, app, "plain", None) == []
    with relying_on("Flask-Limiter", internals.limiter_view_limits), app.app_context():
        (counted,) = internals.limiter_view_limits(limiter, app, "counted")
        assert str(counted.limit) == "5 per 1 minute" and set(counted.methods) == {"get"}
        (free,) = internals.limiter_view_limits(limiter, app, "shop.free")
        assert str(free.limit) == "7 per 1 minute" and not free.methods
        assert internals.limiter_view_limits(limiter, app, "plain") == []
        assert internals.limiter_view_limits(limiter, app, "no-such-endpoint") == []


# --- Werkzeug, Flask, Flask-Login ------------------------------------------------------------


def test_route_count():
    app = Flask(__name__)
    with relying_on("Werkzeug", internals.route_count):
        assert hasattr(app.url_map, "_rules_by_endpoint"), "Map._rules_by_endpoint is gone: route_count is slow"
        before = internals.route_count(app.url_map)
        assert before == len({rule.endpoint for rule in app.url_map.iter_rules()})

        def view(n=0):
            return "a"

        app.add_url_rule("/a", "a", view)
        app.add_url_rule("/a/<int:n>", "a", view)  # a second rule of the same endpoint
        assert internals.route_count(app.url_map) == before + 1


def test_request_url_adapter():
    app = Flask(__name__)
    app.add_url_rule("/", "home", lambda: "home")
    with relying_on("Flask", internals.request_url_adapter):
        with app.test_request_context("/"):
            assert internals.request_url_adapter().build("home") == "/"
        app.config["TRUSTED_HOSTS"] = ["good.example"]
        with app.test_request_context("/", base_url="http://bad.example"):
            assert internals.request_url_adapter() is None


def test_request_context():
    app = Flask(__name__)
    with relying_on("Flask", internals.request_context):
        assert internals.request_context() is None
        with app.test_request_context("/shop/a?b=1", base_url="http://localhost/shop"):
            ctx = internals.request_context()
            assert ctx.app is app
            assert ctx.request.script_root == "/shop"
            assert ctx.request.args["b"] == "1"
        with app.app_context():  # an app without a request is no request
            assert internals.request_context() is None


def test_app_context():
    app = Flask(__name__)
    with relying_on("Flask", internals.app_context):
        assert internals.app_context() is None
        with app.app_context():
            from flask import g

            g.marker = 1
            assert internals.app_context().g.marker == 1
            assert internals.app_context().app is app


def test_set_current_user():
    app = Flask(__name__)
    app.secret_key = "x"
    manager = LoginManager(app)
    loads = []
    manager.user_loader(lambda user_id: loads.append(user_id))
    visitor = AnonymousUserMixin()
    with relying_on("Flask-Login", internals.set_current_user), app.test_request_context("/"):
        from flask import session

        session["_user_id"] = "7"  # the loader would be called for this session
        internals.set_current_user(visitor)
        assert current_user._get_current_object() is visitor and loads == []


# --- Pillow --------------------------------------------------------------------------------------


def test_pixels_only():
    buffer = BytesIO()
    Image.new("RGB", (7, 5), (10, 20, 30)).save(buffer, "PNG")
    with relying_on("Pillow", internals.pixels_only):
        source = Image.open(BytesIO(buffer.getvalue()))
        source.load()
        image = internals.pixels_only(source)
        assert image is not source and isinstance(image, Image.Image)
        assert (image.mode, image.size, image.getpixel((3, 2))) == ("RGB", (7, 5), (10, 20, 30))
        assert getattr(image, "fp", None) is None and image.format is None  # no file, no decoder state
        source.close()
        assert image.getpixel((0, 0)) == (10, 20, 30)  # the pixels outlive the original
