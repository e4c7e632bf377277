"""The yardsticks every figure is divided by: a bare Flask "hello world" and a
bare Flask page rendering 24 product cards from a Jinja template (markup like
the catalogue's grid, no database). Served by the same gunicorn command as the
app, in the same run, so ratios compare across machines.

    gunicorn -w 2 -k gthread --threads 4 -b 127.0.0.1:8001 --chdir bench baseline_app:app
"""

from __future__ import annotations

from flask import Flask, render_template
from jinja2 import DictLoader

app = Flask(__name__)

ITEMS = [
    {
        "id": 1000 + i,
        "name": f"Batik Tulis Motif Tegalan {i + 1}",
        "price": 150000 + 2500 * i,
        "store": f"Toko Batik Sari {i % 7 + 1}",
        "city": "Kota Tegal",
    }
    for i in range(24)
]

PAGE = """<!doctype html>
<html lang="id">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }} · Apik Market</title>
  <link rel="stylesheet" href="/static/app.css">
</head>
<body>
<header class="top"><div class="wrap"><a class="brand" href="/">Apik Market</a>
  <form class="search" action="/search" method="get"><input name="q" type="search"><button>Cari</button></form>
</div></header>
<main class="wrap">
  <h1>{{ title }}</h1>
  <div class="grid">
  {% for item in items %}
    <article class="card">
      <a href="/products/{{ item.id }}">
        <img src="/static/placeholder.svg" alt="" width="400" height="400" loading="lazy">
        <div class="body">
          <h3 class="name">{{ item.name }}</h3>
          <p class="price">{{ item.price|rupiah }}</p>
          <p class="meta">{{ item.store }}{% if item.city %} · {{ item.city }}{% endif %}</p>
        </div>
      </a>
    </article>
  {% endfor %}
  </div>
</main>
<footer class="foot"><div class="wrap"><p>Apik Market</p></div></footer>
</body>
</html>
"""


# a loader, not render_template_string: the template is compiled once, as the app's are
app.jinja_loader = DictLoader({"items.html": PAGE})


@app.template_filter("rupiah")
def rupiah(value: int) -> str:
    return "Rp " + f"{value:,}".replace(",", ".")


@app.get("/")
def hello():
    return "Hello, World!"


@app.get("/items")
def items():
    return render_template("items.html", title="Produk terbaru", items=ITEMS)
