"""government buying: offices, officials, offers, purchases and their documents

Revision ID: 0026
Revises: 0025

- gov_offices, gov_officials: perangkat daerah and their people (pp, ppk, bendahara).
- gov_offers: the products a store offers to offices (unit, minimum quantity, lead time).
- gov_purchases, gov_orders, gov_order_lines: a submitted purchase, one order per store.
- gov_quotes: a seller's answer (price, lead time, ongkir) to a submitted order.
- gov_documents: the PDFs (Surat Pesanan, addenda, BAST, invoice, kuitansi), kept as made.
- gov_events: each order's history, who and when.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "gov_offices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("npwp", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_offices")),
        sa.UniqueConstraint("code", name=op.f("uq_gov_offices_code")),
    )
    op.create_table(
        "gov_officials",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=10), nullable=False),
        sa.Column("nip", sa.String(length=30), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("position IN ('pp','ppk','bendahara')", name=op.f("ck_gov_officials_position")),
        sa.ForeignKeyConstraint(
            ["office_id"], ["gov_offices.id"], name=op.f("fk_gov_officials_office_id_gov_offices"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_gov_officials_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_gov_officials")),
    )
    with op.batch_alter_table("gov_officials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gov_officials_office_id"), ["office_id"], unique=False)

    op.create_table(
        "gov_purchases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("rup_code", sa.String(length=40), nullable=False),
        sa.Column("budget_code", sa.String(length=80), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=False),
        sa.Column("delivery_place", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_gov_purchases_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["gov_offices.id"], name=op.f("fk_gov_purchases_office_id_gov_offices"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_purchases")),
        sa.UniqueConstraint("number", name=op.f("uq_gov_purchases_number")),
    )
    with op.batch_alter_table("gov_purchases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gov_purchases_office_id"), ["office_id"], unique=False)

    op.create_table(
        "gov_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("store_name", sa.String(length=120), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("shipping_cost", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=False),
        sa.Column("commission_bps", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("shipped_at", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("invoiced_at", sa.DateTime(), nullable=True),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("shipping_method", sa.String(length=10), nullable=True),
        sa.Column("courier", sa.String(length=60), nullable=True),
        sa.Column("tracking_number", sa.String(length=80), nullable=True),
        sa.Column("payment_date", sa.Date(), nullable=True),
        sa.Column("payment_reference", sa.String(length=80), nullable=True),
        sa.Column("payment_amount", sa.BigInteger(), nullable=True),
        sa.Column("paid_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "shipping_method IS NULL OR shipping_method IN ('pickup','local','courier')",
            name=op.f("ck_gov_orders_shipping_method"),
        ),
        sa.CheckConstraint(
            "status IN ('submitted','negotiating','approved','accepted','shipped','shortfall','received',"
            "'invoiced','paid','rejected','withdrawn','declined','cancelled')",
            name=op.f("ck_gov_orders_status"),
        ),
        sa.CheckConstraint("lead_days >= 0", name=op.f("ck_gov_orders_lead_days_nonnegative")),
        sa.CheckConstraint("subtotal >= 0 AND shipping_cost >= 0", name=op.f("ck_gov_orders_amounts_nonnegative")),
        sa.CheckConstraint("total = subtotal + shipping_cost", name=op.f("ck_gov_orders_total_is_sum")),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_gov_orders_approved_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["gov_offices.id"], name=op.f("fk_gov_orders_office_id_gov_offices"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["paid_by_id"], ["users.id"], name=op.f("fk_gov_orders_paid_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["gov_purchases.id"],
            name=op.f("fk_gov_orders_purchase_id_gov_purchases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"], ["users.id"], name=op.f("fk_gov_orders_received_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_gov_orders_store_id_stores"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_gov_orders_number")),
    )
    with op.batch_alter_table("gov_orders", schema=None) as batch_op:
        batch_op.create_index("ix_gov_orders_office_status", ["office_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_gov_orders_purchase_id"), ["purchase_id"], unique=False)
        batch_op.create_index("ix_gov_orders_store_status", ["store_id", "status"], unique=False)

    op.create_table(
        "gov_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("amends_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('sp','sp_addendum','bast','invoice','kuitansi')", name=op.f("ck_gov_documents_kind")
        ),
        sa.ForeignKeyConstraint(
            ["amends_id"],
            ["gov_documents.id"],
            name=op.f("fk_gov_documents_amends_id_gov_documents"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_gov_documents_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["gov_orders.id"], name=op.f("fk_gov_documents_order_id_gov_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_documents")),
        sa.UniqueConstraint("number", name=op.f("uq_gov_documents_number")),
        sa.UniqueConstraint("token", name=op.f("uq_gov_documents_token")),
    )
    with op.batch_alter_table("gov_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gov_documents_order_id"), ["order_id"], unique=False)

    op.create_table(
        "gov_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_gov_events_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["gov_orders.id"], name=op.f("fk_gov_events_order_id_gov_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_events")),
    )
    with op.batch_alter_table("gov_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gov_events_order_id"), ["order_id"], unique=False)

    op.create_table(
        "gov_offers",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("min_quantity", sa.Integer(), nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("lead_days >= 0", name=op.f("ck_gov_offers_lead_days_nonnegative")),
        sa.CheckConstraint("min_quantity >= 1", name=op.f("ck_gov_offers_min_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_gov_offers_product_id_products"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_gov_offers_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_gov_offers")),
    )
    with op.batch_alter_table("gov_offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gov_offers_store_id"), ["store_id"], unique=False)

    op.create_table(
        "gov_quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("prices", sa.Text(), nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=True),
        sa.Column("shipping_cost", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('open','accepted','withdrawn')", name=op.f("ck_gov_quotes_status")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_gov_quotes_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_gov_quotes_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["gov_orders.id"], name=op.f("fk_gov_quotes_order_id_gov_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_quotes")),
    )
    with op.batch_alter_table("gov_quotes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gov_quotes_order_id"), ["order_id"], unique=False)

    op.create_table(
        "gov_order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("variant_id", sa.Integer(), nullable=True),
        sa.Column("product_name", sa.String(length=160), nullable=False),
        sa.Column("variant_name", sa.String(length=120), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("line_total", sa.BigInteger(), nullable=False),
        sa.Column("received_quantity", sa.Integer(), nullable=True),
        sa.CheckConstraint("line_total = unit_price * quantity", name=op.f("ck_gov_order_lines_line_total_is_product")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_gov_order_lines_quantity_positive")),
        sa.CheckConstraint(
            "received_quantity IS NULL OR (received_quantity >= 0 AND received_quantity <= quantity)",
            name=op.f("ck_gov_order_lines_received_within_quantity"),
        ),
        sa.CheckConstraint("unit_price > 0", name=op.f("ck_gov_order_lines_unit_price_positive")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["gov_orders.id"], name=op.f("fk_gov_order_lines_order_id_gov_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_gov_order_lines_product_id_products"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"], ["variants.id"], name=op.f("fk_gov_order_lines_variant_id_variants"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_order_lines")),
    )
    with op.batch_alter_table("gov_order_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gov_order_lines_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_gov_order_lines_product_id"), ["product_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_gov_order_lines_variant_id"), ["variant_id"], unique=False)


def downgrade():
    with op.batch_alter_table("gov_order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_order_lines_variant_id"))
        batch_op.drop_index(batch_op.f("ix_gov_order_lines_product_id"))
        batch_op.drop_index(batch_op.f("ix_gov_order_lines_order_id"))

    op.drop_table("gov_order_lines")
    with op.batch_alter_table("gov_quotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_quotes_order_id"))

    op.drop_table("gov_quotes")
    with op.batch_alter_table("gov_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_offers_store_id"))

    op.drop_table("gov_offers")
    with op.batch_alter_table("gov_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_events_order_id"))

    op.drop_table("gov_events")
    with op.batch_alter_table("gov_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_documents_order_id"))

    op.drop_table("gov_documents")
    with op.batch_alter_table("gov_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_gov_orders_store_status")
        batch_op.drop_index(batch_op.f("ix_gov_orders_purchase_id"))
        batch_op.drop_index("ix_gov_orders_office_status")

    op.drop_table("gov_orders")
    with op.batch_alter_table("gov_purchases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_purchases_office_id"))

    op.drop_table("gov_purchases")
    with op.batch_alter_table("gov_officials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_officials_office_id"))

    op.drop_table("gov_officials")
    op.drop_table("gov_offices")
