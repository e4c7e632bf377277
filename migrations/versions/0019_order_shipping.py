"""checkout: ongkir in each order's total, the shipping option chosen, and ongkir in refunds

Revision ID: 0019
Revises: 0018

- orders: shipping_cost (rupiah, >= 0, 0 for the orders that exist), what the buyer chose
  (shipping_method, _courier, _service, _label, _etd, _source) and the structured address
  (ship_region_code, ship_province, ship_district, ship_village), all NULL on older orders.
  The CHECK total_is_sum becomes total = subtotal + shipping_cost + extras_total.
- order_refunds: shipping_amount (ongkir given back, 0 for the refunds that exist); the
  CHECK amount_is_sum becomes amount = goods_amount + extras_amount + shipping_amount.
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ORDER_COLUMNS = (
    ("shipping_method", 10),
    ("shipping_courier", 20),
    ("shipping_service", 30),
    ("shipping_label", 160),
    ("shipping_etd", 20),
    ("shipping_source", 40),
    ("ship_region_code", 20),
    ("ship_province", 80),
    ("ship_district", 80),
    ("ship_village", 80),
)
SHIPPING_METHOD = "shipping_method IS NULL OR shipping_method IN ('pickup','local','courier')"


@contextmanager
def foreign_keys_off():
    """SQLite rebuilds a table to change its CHECKs (batch mode): dropping the old orders table
    with foreign keys on would cascade to its lines, events, refunds, complaints and reviews.
    PRAGMA foreign_keys is ignored inside a transaction, so what came before is committed first."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    raw = bind.connection.dbapi_connection
    raw.commit()
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        problems = raw.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"foreign keys broken by the rebuild: {problems[:5]}")
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def upgrade():
    with foreign_keys_off():
        _upgrade()


def downgrade():
    with foreign_keys_off():
        _downgrade()


def _upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shipping_cost", sa.BigInteger(), server_default="0", nullable=False))
        for name, length in ORDER_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))
        batch_op.drop_constraint(op.f("ck_orders_total_is_sum"), type_="check")
        batch_op.drop_constraint(op.f("ck_orders_amounts_nonnegative"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_orders_total_is_sum"), sa.text("total = subtotal + shipping_cost + extras_total")
        )
        batch_op.create_check_constraint(
            op.f("ck_orders_amounts_nonnegative"),
            sa.text("subtotal >= 0 AND extras_total >= 0 AND shipping_cost >= 0"),
        )
        batch_op.create_check_constraint(op.f("ck_orders_shipping_method"), sa.text(SHIPPING_METHOD))

    with op.batch_alter_table("order_refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shipping_amount", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.drop_constraint(op.f("ck_order_refunds_amount_is_sum"), type_="check")
        batch_op.drop_constraint(op.f("ck_order_refunds_amounts_nonnegative"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_order_refunds_amount_is_sum"),
            sa.text("amount = goods_amount + extras_amount + shipping_amount AND amount > 0"),
        )
        batch_op.create_check_constraint(
            op.f("ck_order_refunds_amounts_nonnegative"),
            sa.text("goods_amount >= 0 AND extras_amount >= 0 AND shipping_amount >= 0"),
        )


def _downgrade():
    # ongkir leaves the totals with its column: an order's total keeps only goods and extras, and
    # a refund's amount only what it gave back of them (each row still satisfies the old CHECKs)
    op.execute(sa.text("UPDATE orders SET total = subtotal + extras_total, shipping_cost = 0 WHERE shipping_cost <> 0"))
    op.execute(sa.text("DELETE FROM order_refunds WHERE goods_amount + extras_amount = 0"))
    op.execute(
        sa.text(
            "UPDATE order_refunds SET amount = goods_amount + extras_amount, shipping_amount = 0"
            " WHERE shipping_amount <> 0"
        )
    )
    with op.batch_alter_table("order_refunds", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_order_refunds_amounts_nonnegative"), type_="check")
        batch_op.drop_constraint(op.f("ck_order_refunds_amount_is_sum"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_order_refunds_amounts_nonnegative"), sa.text("goods_amount >= 0 AND extras_amount >= 0")
        )
        batch_op.create_check_constraint(
            op.f("ck_order_refunds_amount_is_sum"), sa.text("amount = goods_amount + extras_amount AND amount > 0")
        )
        batch_op.drop_column("shipping_amount")

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_orders_shipping_method"), type_="check")
        batch_op.drop_constraint(op.f("ck_orders_amounts_nonnegative"), type_="check")
        batch_op.drop_constraint(op.f("ck_orders_total_is_sum"), type_="check")
        batch_op.create_check_constraint(op.f("ck_orders_total_is_sum"), sa.text("total = subtotal + extras_total"))
        batch_op.create_check_constraint(
            op.f("ck_orders_amounts_nonnegative"), sa.text("subtotal >= 0 AND extras_total >= 0")
        )
        for name, _length in reversed(ORDER_COLUMNS):
            batch_op.drop_column(name)
        batch_op.drop_column("shipping_cost")
