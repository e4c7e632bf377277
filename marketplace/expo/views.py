from flask import Blueprint

bp = Blueprint("expo", __name__, template_folder="templates")
